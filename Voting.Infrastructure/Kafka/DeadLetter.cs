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
    DateTimeOffset FailedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeadLetter))]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
