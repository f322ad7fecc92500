namespace Voting.Console.Blazor.DeadLetters;

/// <summary>
/// A dead letter as operators see it: where it was and why it failed, with the ballot masked —
/// only its size and a fingerprint, never the pseudonym or the choice.
/// </summary>
/// <param name="Partition">Partition of the dead-letter topic.</param>
/// <param name="Offset">Offset in the dead-letter topic (with the partition, its id).</param>
/// <param name="OriginalTopic">Topic it came from.</param>
/// <param name="OriginalPartition">Partition it came from.</param>
/// <param name="OriginalOffset">Offset it had there.</param>
/// <param name="Error">Why the processor could not process it.</param>
/// <param name="FailedAt">When it was dead-lettered.</param>
/// <param name="Bytes">Size of the original message.</param>
/// <param name="Fingerprint">First bytes of the SHA-256 of the original message, to tell letters apart.</param>
/// <param name="ReplayedAt">When it was last replayed from the console, if ever.</param>
public sealed record DeadLetterView(
    int Partition, long Offset, string OriginalTopic, int OriginalPartition, long OriginalOffset, string Error,
    DateTimeOffset FailedAt, int Bytes, string Fingerprint, DateTimeOffset? ReplayedAt)
{
    public string Id => $"{Partition}:{Offset}";

    /// <summary>Whether there is an original message to send back (an unreadable envelope has none).</summary>
    public bool CanReplay => Bytes > 0;
}
