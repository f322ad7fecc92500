using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Voting.Core.Ballots;

namespace Voting.Core.Tests.Ballots;

public sealed class BallotHashTests
{
    private static readonly byte[] FixedId = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");

    [Fact]
    public void Canonical_encoding_is_the_documented_byte_layout()
    {
        var expected = Encoding.UTF8.GetBytes("voting/ballot/v1")
            .Concat(new byte[] { 0, 0, 0, 4 }).Concat("e-28"u8.ToArray())
            .Concat(new byte[] { 0, 0, 0, 2 }).Concat("CA"u8.ToArray())
            .Concat(new byte[] { 0, 0, 0, 5 }).Concat("alice"u8.ToArray())
            .Concat(FixedId).ToArray();
        var ballot = new Ballot("e-28", "CA", "alice", FixedId);

        Assert.Equal(expected, BallotHash.CanonicalBytes(ballot));
        Assert.Equal(SHA256.HashData(expected), BallotHash.Compute(ballot));
    }

    [Fact]
    public void Same_choice_with_fresh_ids_gives_unguessable_distinct_receipts()
    {
        var receipts = Enumerable.Range(0, 1000)
            .Select(_ => BallotHash.ToReceipt(BallotHash.Compute(Ballot.New("e", "CA", "alice"))))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, receipts.Count);
    }

    [Fact]
    public void Any_field_change_changes_the_hash()
    {
        var baseline = BallotHash.Compute(new Ballot("e", "CA", "alice", FixedId));
        var otherId = (byte[])FixedId.Clone();
        otherId[15] ^= 1;
        Assert.NotEqual(baseline, BallotHash.Compute(new Ballot("e2", "CA", "alice", FixedId)));
        Assert.NotEqual(baseline, BallotHash.Compute(new Ballot("e", "NV", "alice", FixedId)));
        Assert.NotEqual(baseline, BallotHash.Compute(new Ballot("e", "CA", "bob", FixedId)));
        Assert.NotEqual(baseline, BallotHash.Compute(new Ballot("e", "CA", "alice", otherId)));
        // Shifting a boundary between fields is a different ballot too.
        Assert.NotEqual(BallotHash.Compute(new Ballot("ab", "CA", "c", FixedId)), BallotHash.Compute(new Ballot("a", "CA", "bc", FixedId)));
    }

    [Theory]
    [InlineData("e-28", "CA", "alice")]
    [InlineData("general-2028", "OH", "Zoë \"Z\" Ngô")]
    [InlineData("", "", "")]
    public void A_hash_matches_exactly_the_ballot_it_was_computed_from(string electionId, string state, string candidate)
    {
        var hash = BallotHash.Compute(new Ballot(electionId, state, candidate, FixedId));
        Assert.True(BallotHash.Matches(hash, electionId, state, candidate, FixedId));

        var otherId = (byte[])FixedId.Clone();
        otherId[0] ^= 0x80;
        Assert.False(BallotHash.Matches(hash, electionId + "x", state, candidate, FixedId));
        Assert.False(BallotHash.Matches(hash, electionId, state + "x", candidate, FixedId));
        Assert.False(BallotHash.Matches(hash, electionId, state, candidate + "x", FixedId));
        Assert.False(BallotHash.Matches(hash, electionId, state, candidate, otherId));
        for (var i = 0; i < BallotHash.Size; i++)
        {
            var changed = (byte[])hash.Clone();
            changed[i] ^= 1;
            Assert.False(BallotHash.Matches(changed, electionId, state, candidate, FixedId));
        }

        Assert.False(BallotHash.Matches(hash[..31], electionId, state, candidate, FixedId));
    }

    [Fact]
    public void A_ballot_too_long_for_the_stack_is_matched_the_same_way()
    {
        var candidate = new string('é', 400); // 800 bytes of UTF-8: past the stack buffer
        var hash = BallotHash.Compute(new Ballot("e", "CA", candidate, FixedId));
        Assert.True(BallotHash.Matches(hash, "e", "CA", candidate, FixedId));
        Assert.False(BallotHash.Matches(hash, "e", "CA", candidate[..^1], FixedId));
        Assert.Throws<ArgumentException>(() => BallotHash.Matches(hash, "e", "CA", candidate, new byte[15]));
    }

    [Fact]
    public void Ballot_ids_of_the_wrong_size_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => BallotHash.Compute(new Ballot("e", "CA", "alice", new byte[15])));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Malformed_receipts_do_not_parse(string? receipt)
    {
        Assert.False(BallotHash.TryParseReceipt(receipt, out _));
    }

    [Fact]
    public void Receipts_round_trip()
    {
        var hash = BallotHash.Compute(new Ballot("e", "CA", "alice", FixedId));
        Assert.True(BallotHash.TryParseReceipt(BallotHash.ToReceipt(hash), out var parsed));
        Assert.Equal(hash, parsed);
        Assert.Matches("^[0-9a-f]{64}$", BallotHash.ToReceipt(hash));
    }

    [Fact]
    public void Vote_messages_round_trip_through_source_generated_json_and_unknown_fields_are_refused()
    {
        var message = new VoteMessage(1, "e", new byte[32], "CA", "alice", FixedId, new byte[32], 1_700_000_000_000);
        var json = JsonSerializer.Serialize(message, VotingJsonContext.Default.VoteMessage);
        var back = JsonSerializer.Deserialize(json, VotingJsonContext.Default.VoteMessage)!;
        Assert.Equal(message.ToBallot(), back.ToBallot() with { BallotId = message.BallotId });
        Assert.Equal(FixedId, back.BallotId);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json.Replace("{", "{\"voterId\":\"123\",", StringComparison.Ordinal), VotingJsonContext.Default.VoteMessage));
    }
}
