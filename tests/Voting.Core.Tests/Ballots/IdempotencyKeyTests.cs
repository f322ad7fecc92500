using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Voting.Core.Ballots;

namespace Voting.Core.Tests.Ballots;

public sealed class IdempotencyKeyTests
{
    private static readonly byte[] Voter = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] OtherVoter = [.. Enumerable.Range(2, 32).Select(i => (byte)i)];
    private static readonly byte[] Secret = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly byte[] OtherSecret = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];
    private const string Key = "0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f";

    [Fact]
    public void Retries_with_the_same_key_cast_the_same_ballot_and_so_get_the_same_receipt()
    {
        var first = new Ballot("us-2028", "PA", "harper", IdempotencyKey.BallotId(Secret, "us-2028", Voter, Key));
        var retry = new Ballot("us-2028", "PA", "harper", IdempotencyKey.BallotId(Secret, "us-2028", Voter, Key));
        Assert.Equal(first.BallotId, retry.BallotId);
        Assert.Equal(BallotHash.Compute(first), BallotHash.Compute(retry));
        Assert.Equal(Ballot.BallotIdSize, first.BallotId.Length);
    }

    [Fact]
    public void Another_key_voter_or_election_gives_another_ballot_id()
    {
        var id = IdempotencyKey.BallotId(Secret, "us-2028", Voter, Key);
        Assert.NotEqual(id, IdempotencyKey.BallotId(Secret, "us-2028", Voter, Key.Replace('0', '1')));
        Assert.NotEqual(id, IdempotencyKey.BallotId(Secret, "us-2028", OtherVoter, Key));
        Assert.NotEqual(id, IdempotencyKey.BallotId(Secret, "us-2032", Voter, Key));
    }

    [Fact]
    public void A_guessable_key_and_the_pseudonym_do_not_give_the_ballot_id_without_the_election_secret()
    {
        // Someone reading the shards has every participation row's pseudonym; a client that uses a
        // timestamp for its key must not let them find that voter's ballot row by its id.
        const string guessable = "2028-11-07T09-15-00";
        var id = IdempotencyKey.BallotId(Secret, "us-2028", Voter, guessable);

        Assert.NotEqual(id, IdempotencyKey.BallotId(OtherSecret, "us-2028", Voter, guessable));
        Assert.Equal(id, HMACSHA256.HashData(Secret, Input("us-2028", Voter, guessable))[..Ballot.BallotIdSize]);
        Assert.NotEqual(id, SHA256.HashData(Input("us-2028", Voter, guessable))[..Ballot.BallotIdSize]);
    }

    [Fact]
    public void A_short_election_secret_is_refused()
    {
        Assert.Throws<ArgumentException>(() => IdempotencyKey.BallotId(Secret[..31], "us-2028", Voter, Key));
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
            Assert.Throws<ArgumentException>(() => IdempotencyKey.BallotId(Secret, "us-2028", Voter, key));
        }
    }

    [Theory]
    [InlineData("0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f")]
    [InlineData("q83vEjRWeJq83vEjRWeJqw")]
    [InlineData("abcdefghijklmnop")]
    public void Uuids_and_base64url_random_keys_are_valid(string key) => Assert.True(IdempotencyKey.IsValid(key));

    /// <summary>The HMAC's input as the derivation is documented: tag, length-prefixed election and pseudonym, the key.</summary>
    private static byte[] Input(string election, byte[] pseudonym, string key) =>
    [
        .. "voting/ballot-id/v2\0"u8,
        .. BigEndian(election.Length), .. Encoding.UTF8.GetBytes(election),
        .. BigEndian(pseudonym.Length), .. pseudonym,
        .. Encoding.ASCII.GetBytes(key),
    ];

    private static byte[] BigEndian(int length)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)length);
        return bytes;
    }
}
