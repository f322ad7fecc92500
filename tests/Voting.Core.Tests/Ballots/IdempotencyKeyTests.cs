using Voting.Core.Ballots;

namespace Voting.Core.Tests.Ballots;

public sealed class IdempotencyKeyTests
{
    private static readonly byte[] Voter = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] OtherVoter = [.. Enumerable.Range(2, 32).Select(i => (byte)i)];
    private const string Key = "0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f";

    [Fact]
    public void Retries_with_the_same_key_cast_the_same_ballot_and_so_get_the_same_receipt()
    {
        var first = Ballot.ForIdempotencyKey("us-2028", "PA", "harper", Voter, Key);
        var retry = Ballot.ForIdempotencyKey("us-2028", "PA", "harper", Voter, Key);
        Assert.Equal(first.BallotId, retry.BallotId);
        Assert.Equal(BallotHash.Compute(first), BallotHash.Compute(retry));
        Assert.Equal(Ballot.BallotIdSize, first.BallotId.Length);
    }

    [Fact]
    public void Another_key_voter_or_election_gives_another_ballot_id()
    {
        var id = IdempotencyKey.BallotId("us-2028", Voter, Key);
        Assert.NotEqual(id, IdempotencyKey.BallotId("us-2028", Voter, Key.Replace('0', '1')));
        Assert.NotEqual(id, IdempotencyKey.BallotId("us-2028", OtherVoter, Key));
        Assert.NotEqual(id, IdempotencyKey.BallotId("us-2032", Voter, Key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("too-short")]
    [InlineData("has spaces in it, quite long")]
    [InlineData("ünïcödé-characters-are-out")]
    [InlineData("slashes/are/not/allowed/here")]
    public void Keys_outside_the_rule_are_invalid(string? key)
    {
        Assert.False(IdempotencyKey.IsValid(key));
        if (key is not null)
        {
            Assert.Throws<ArgumentException>(() => IdempotencyKey.BallotId("us-2028", Voter, key));
        }
    }

    [Theory]
    [InlineData("0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f")]
    [InlineData("q83vEjRWeJq83vEjRWeJqw")]
    [InlineData("abcdefghijklmnop")]
    public void Uuids_and_base64url_random_keys_are_valid(string key) => Assert.True(IdempotencyKey.IsValid(key));
}
