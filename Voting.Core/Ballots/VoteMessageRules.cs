using Voting.Core.Geography;
using Voting.Core.Identity;

namespace Voting.Core.Ballots;

/// <summary>What the processor accepts from the log: anything else is a dead letter, never a guess.</summary>
public static class VoteMessageRules
{
    /// <summary>The longest election or candidate id a ballot row holds.</summary>
    public const int MaxIdLength = 64;

    // Ingest stamps the time it accepted the vote. A time outside these years is no ingest's: it could
    // not even be stored (MariaDB's hour, ClickHouse's time buckets), and the batch would fail for ever.
    private static readonly long EarliestAcceptedAtUnixMs = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long EndOfAcceptedAtUnixMs = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Null when <paramref name="vote"/> can be stored; otherwise why not.</summary>
    public static string? Check(VoteMessage? vote)
    {
        if (vote is null)
        {
            return "empty message";
        }

        if (vote.Version != VoteMessage.CurrentVersion)
        {
            return $"unknown message version {vote.Version}";
        }

        if (!ElectionIdRule.IsValid(vote.ElectionId))
        {
            // Stored in ASCII columns: any other id would fail its batch's write on every retry.
            return $"election id is not {ElectionIdRule.Description}";
        }

        if (vote.Pseudonym is not { Length: VoterPseudonym.SizeInBytes })
        {
            return "pseudonym is not 32 bytes";
        }

        if (!UsStates.TryGet(vote.State, out _) || vote.State != vote.State.ToUpperInvariant())
        {
            return $"unknown state '{vote.State}'";
        }

        if (string.IsNullOrEmpty(vote.Candidate) || vote.Candidate.Length > MaxIdLength)
        {
            return $"candidate missing or longer than {MaxIdLength}";
        }

        if (vote.BallotId is not { Length: Ballot.BallotIdSize })
        {
            return "ballot id is not 16 bytes";
        }

        if (vote.AcceptedAtUnixMs < EarliestAcceptedAtUnixMs || vote.AcceptedAtUnixMs >= EndOfAcceptedAtUnixMs)
        {
            return $"accepted time {vote.AcceptedAtUnixMs} ms since 1970 is not within the years 2000–2099";
        }

        if (vote.BallotHash is not { Length: BallotHash.Size } || !BallotHash.Matches(vote.BallotHash, vote.ElectionId, vote.State, vote.Candidate, vote.BallotId))
        {
            return "ballot hash does not match the ballot";
        }

        return null;
    }

    /// <summary>The coarse time stored with rows: the UTC hour, so rows can't be lined up by time.</summary>
    public static DateTime RecordedHour(long unixMilliseconds)
    {
        var instant = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime;
        return new DateTime(instant.Year, instant.Month, instant.Day, instant.Hour, 0, 0, DateTimeKind.Utc);
    }
}
