using System.Text.Json;
using System.Text.Json.Serialization;

namespace Voting.Infrastructure.Kafka;

/// <summary>
/// The envelope of a message that can never be processed. Kafka 0.9 has no headers, so the
/// original position and the error travel in the body, with the original bytes for replay.
/// </summary>
public sealed record DeadLetter(
    string OriginalTopic,
    int OriginalPartition,
    long OriginalOffset,
    string Error,
    byte[]? Key,
    byte[] Value,
    DateTimeOffset FailedAt)
{
    /// <summary>
    /// Most bytes of the original message (key and value) a letter holds. A vote is a few hundred
    /// bytes; a message the broker took at up to its limit would make, base64-encoded in the envelope,
    /// a letter above the same limit, which no broker takes: its partition would stop for ever.
    /// </summary>
    public const int MaxHeldBytes = 64 * 1024;

    /// <summary>Most bytes of the original key a cut letter holds.</summary>
    private const int MaxHeldKeyBytes = 1024;

    /// <summary>The original message's size in bytes when <see cref="Key"/> and <see cref="Value"/> hold only its start; null when they hold it whole.</summary>
    public long? CutFrom { get; init; }

    /// <summary>A letter of the message, holding it whole when it is at most <see cref="MaxHeldBytes"/>, else its start.</summary>
    public static DeadLetter Of(string topic, int partition, long offset, string error, byte[]? key, byte[] value, DateTimeOffset failedAt)
    {
        var size = (long)(key?.Length ?? 0) + value.Length;
        if (size <= MaxHeldBytes)
        {
            return new DeadLetter(topic, partition, offset, error, key, value, failedAt);
        }

        var heldKey = key?[..Math.Min(key.Length, MaxHeldKeyBytes)];
        var heldValue = value[..Math.Min(value.Length, MaxHeldBytes - (heldKey?.Length ?? 0))];
        return new DeadLetter(topic, partition, offset, error, heldKey, heldValue, failedAt) { CutFrom = size };
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeadLetter))]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
