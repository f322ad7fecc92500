using Voting.Core.Ballots;

namespace Voting.Infrastructure.ClickHouse;

/// <summary>Adds the counts of newly stored ballots to the ClickHouse tallies (per candidate, and per minute for the rate chart).</summary>
public sealed class TallyWriter(ClickHouseTallyStore store)
{
    private static readonly string[] TallyColumns = ["election_id", "state", "candidate", "votes"];
    private static readonly string[] MinuteColumns = ["election_id", "minute", "state", "votes"];

    private static readonly IReadOnlyDictionary<string, string> TallyTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["state"] = "String", ["candidate"] = "String", ["votes"] = "UInt64",
    };

    private static readonly IReadOnlyDictionary<string, string> MinuteTypes = new Dictionary<string, string>
    {
        ["election_id"] = "String", ["minute"] = "DateTime('UTC')", ["state"] = "String", ["votes"] = "UInt64",
    };

    public async Task AddAsync(IReadOnlyList<VoteMessage> stored, CancellationToken cancellationToken)
    {
        if (stored.Count == 0)
        {
            return;
        }

        var tallies = stored
            .GroupBy(v => (v.ElectionId, v.State, v.Candidate))
            .Select(g => new object[] { g.Key.ElectionId, g.Key.State, g.Key.Candidate, (ulong)g.Count() })
            .ToList();
        var minutes = stored
            .GroupBy(v => (v.ElectionId, Minute: v.AcceptedAtUnixMs / 60_000, v.State))
            .Select(g => new object[] { g.Key.ElectionId, DateTimeOffset.FromUnixTimeMilliseconds(g.Key.Minute * 60_000).UtcDateTime, g.Key.State, (ulong)g.Count() })
            .ToList();
        await store.InsertAsync("tallies", TallyColumns, TallyTypes, tallies, cancellationToken);
        await store.InsertAsync("votes_per_minute", MinuteColumns, MinuteTypes, minutes, cancellationToken);
    }
}
