namespace Voting.Faults.Tests;

/// <summary>
/// What a fault did to the votes: accepted (told 202), stored (ballots in the log), duplicates (a
/// receipt stored twice, or more ballots than participation rows) and lost (a 202 whose ballot is not stored).
/// </summary>
public sealed record FaultOutcome(string Fault, long Accepted, long Refused, long Unanswered, long Stored, long Duplicates, long Lost, string Note)
{
    public static Task<FaultOutcome> MeasureAsync(string fault, FaultPipeline pipeline, VoteLoad load, string note) => MeasureAsync(fault, pipeline, [load], note);

    /// <summary>The outcome over several loads of distinct voters.</summary>
    public static async Task<FaultOutcome> MeasureAsync(string fault, FaultPipeline pipeline, IReadOnlyList<VoteLoad> loads, string note)
    {
        var stored = await pipeline.StoredReceiptsAsync();
        var (participation, ballots) = await pipeline.CountRowsAsync();
        var distinct = stored.ToHashSet(StringComparer.Ordinal);
        var duplicates = (stored.Count - distinct.Count) + Math.Max(0, ballots - participation);
        var lost = loads.Sum(load => load.Accepted.Values.Count(receipt => !distinct.Contains(receipt)));
        Assert.Equal(stored.Count, ballots); // every ballot row has its leaf (the log and the rows agree)
        return new FaultOutcome(fault, loads.Sum(l => l.Accepted.Count), loads.Sum(l => l.Refused.Count), loads.Sum(l => l.Unanswered.Count), stored.Count, duplicates, lost, note);
    }

    /// <summary>The guarantees: nothing accepted lost, nothing twice, and every stored ballot was cast by a distinct voter who asked.</summary>
    public void AssertGuarantees()
    {
        Assert.True(Lost == 0, $"{Fault}: {Lost} accepted votes are not stored");
        Assert.True(Duplicates == 0, $"{Fault}: {Duplicates} duplicates stored");
        // A voter told 409 had an earlier attempt recorded (it got no answer); an unanswered voter may or may not have.
        Assert.InRange(Stored, Accepted + Refused, Accepted + Refused + Unanswered);
    }
}
