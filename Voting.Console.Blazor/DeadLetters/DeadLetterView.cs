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
/// <param name="Bytes">Size of the original message as the letter holds it (its start only when <paramref name="CutFrom"/> is set).</param>
/// <param name="Fingerprint">First bytes of the SHA-256 of the original message, to tell letters apart.</param>
/// <param name="ReplayedAt">When it was last replayed from the console, if ever.</param>
/// <param name="CutFrom">The original message's size when it was too large for the letter to hold whole.</param>
public sealed record DeadLetterView(
    int Partition, long Offset, string OriginalTopic, int OriginalPartition, long OriginalOffset, string Error,
    DateTimeOffset FailedAt, int Bytes, string Fingerprint, DateTimeOffset? ReplayedAt, long? CutFrom = null)
{
    public string Id => $"{Partition}:{Offset}";

    /// <summary>
    /// Whether there is an original message to send back: an unreadable envelope has none, and a letter
    /// of a message too large to hold whole (<see cref="CutFrom"/>) only its start.
    /// </summary>
    public bool CanReplay => Bytes > 0 && CutFrom is null;

    /// <summary>
    /// What "replay all" sends: each original message once, and none that was replayed already. A
    /// replayed message the processor still cannot process comes back as a new letter with the same
    /// fingerprint; sending every listed letter again would double them at each round (and put each
    /// pseudonym and choice back on the topics). One such letter can still be replayed by itself.
    /// </summary>
    public static IReadOnlyList<DeadLetterView> ToReplayAll(IEnumerable<DeadLetterView> letters)
    {
        var listed = letters.Where(l => l.CanReplay).ToList();
        var replayed = listed.Where(l => l.ReplayedAt is not null).Select(l => l.Fingerprint).ToHashSet(StringComparer.Ordinal);
        return [.. listed
            .Where(l => l.ReplayedAt is null && !replayed.Contains(l.Fingerprint))
            .OrderBy(l => l.FailedAt).ThenBy(l => l.Partition).ThenBy(l => l.Offset)
            .DistinctBy(l => l.Fingerprint)];
    }
}
