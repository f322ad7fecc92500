using Voting.Core.Elections;

namespace Voting.Core.Results;

/// <summary>
/// When an election's per-candidate counts may be published: once its polls have closed, not before.
/// While voting goes on, a count that moves by one in a quiet state tells anyone who knows when a
/// voter voted (a coercer standing beside them, or whoever sees the time on their receipt) what they
/// chose. Totals and turnout say only that someone voted, so they are published throughout. Election
/// officials see the live counts on the operations console, behind its sign-in.
/// </summary>
public static class CandidateCountDisclosure
{
    /// <summary>Null when the counts may be published at <paramref name="now"/>; else when they may be (the polls' close).</summary>
    public static DateTimeOffset? WithheldUntil(ElectionDefinition election, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(election);
        return now < election.ClosesAt ? election.ClosesAt : null;
    }

    /// <summary><paramref name="area"/> without its candidates' counts; its total and turnout stay.</summary>
    public static AreaResults Withhold(AreaResults area)
    {
        ArgumentNullException.ThrowIfNull(area);
        return area with { Candidates = [] };
    }
}
