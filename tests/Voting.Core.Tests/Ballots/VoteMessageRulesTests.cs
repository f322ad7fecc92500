using Voting.Core.Ballots;

namespace Voting.Core.Tests.Ballots;

public sealed class VoteMessageRulesTests
{
    private static VoteMessage Message(long acceptedAtUnixMs, string electionId = "us-2028")
    {
        var ballot = Ballot.New(electionId, "PA", "harper");
        return new VoteMessage(VoteMessage.CurrentVersion, ballot.ElectionId, new byte[32], ballot.State, ballot.Candidate, ballot.BallotId, BallotHash.Compute(ballot), acceptedAtUnixMs);
    }

    [Theory]
    [InlineData("2000-01-01T00:00:00.000Z")]
    [InlineData("2028-11-07T20:15:03.250Z")]
    [InlineData("2099-12-31T23:59:59.999Z")]
    public void A_vote_accepted_within_the_years_2000_to_2099_can_be_stored(string acceptedAt) =>
        Assert.Null(VoteMessageRules.Check(Message(DateTimeOffset.Parse(acceptedAt, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds())));

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(946_684_799_999)] // 1999-12-31T23:59:59.999Z
    [InlineData(4_102_444_800_000)] // 2100-01-01T00:00:00Z
    [InlineData(253_402_300_800_000)] // one millisecond past DateTimeOffset.MaxValue
    [InlineData(long.MaxValue)]
    public void A_vote_stamped_at_a_time_no_ingest_could_have_is_a_dead_letter(long acceptedAtUnixMs) =>
        Assert.Equal(
            $"accepted time {acceptedAtUnixMs} ms since 1970 is not within the years 2000–2099",
            VoteMessageRules.Check(Message(acceptedAtUnixMs)));

    [Theory]
    [InlineData("")]
    [InlineData("élection-2028")] // the participation tables hold ASCII: its write would fail on every retry
    [InlineData("us 2028")]
    [InlineData("..")]
    [InlineData("a-very-long-election-id-that-goes-on-past-sixty-four-characters-x")]
    public void A_vote_of_an_election_id_no_ingest_accepts_is_a_dead_letter(string electionId) =>
        Assert.Equal(
            "election id is not 1–64 characters, each an ASCII letter, a digit or one of . _ -, not only dots",
            VoteMessageRules.Check(Message(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), electionId)));
}
