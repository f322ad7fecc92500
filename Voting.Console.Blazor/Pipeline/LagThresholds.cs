namespace Voting.Console.Blazor.Pipeline;

/// <summary>Warning and critical lag, in messages; a lag at or above a threshold has its level.</summary>
public sealed record LagThresholds(long Warning, long Critical)
{
    public LagLevel Classify(long lag) => lag >= Critical ? LagLevel.Critical : lag >= Warning ? LagLevel.Warning : LagLevel.Normal;

    /// <summary>The worst level among <paramref name="levels"/> (Normal when there are none).</summary>
    public static LagLevel Worst(IEnumerable<LagLevel> levels) => levels.DefaultIfEmpty(LagLevel.Normal).Max();
}
