using Microsoft.Extensions.Time.Testing;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.Infrastructure.Elections;

namespace Voting.Infrastructure.Tests;

public sealed class ElectionRegistryTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];

    private static ElectionOptions Election(params string[] candidates) => new()
    {
        Id = "us-2028",
        OpensAt = new DateTimeOffset(2028, 11, 7, 0, 0, 0, TimeSpan.Zero),
        ClosesAt = new DateTimeOffset(2028, 11, 8, 0, 0, 0, TimeSpan.Zero),
        Candidates = [.. candidates],
        PseudonymSecret = Convert.ToBase64String(Secret),
    };

    [Fact]
    public void A_candidate_id_the_processor_could_not_store_is_refused_at_start()
    {
        var tooLong = new string('x', VoteMessageRules.MaxIdLength + 1);
        var refusal = Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([Election("harper", tooLong)], withPseudonymSecrets: true));
        Assert.Equal($"Election us-2028: candidate id(s) '{tooLong}' must be 1–64 characters and not blank.", refusal.Message);

        var inStateBallot = Election("harper");
        inStateBallot.StateCandidates["PA"] = ["harper", " "];
        Assert.Contains("candidate id(s) ' '", Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([inStateBallot], withPseudonymSecrets: true)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us 2028")]
    [InlineData("us/2028")]
    [InlineData("us{2028}")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    public void An_election_id_that_could_not_name_a_route_or_a_Redis_key_is_refused_at_start(string id)
    {
        var election = Election("harper");
        election.Id = id;

        var refusal = Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([election], withPseudonymSecrets: true));

        Assert.Equal($"Election '{id}': the id must be 1–64 characters, each an ASCII letter, a digit or one of . _ -, not only dots.", refusal.Message);
    }

    [Fact]
    public void An_election_with_a_state_whose_ballot_is_empty_is_refused_at_start()
    {
        Assert.Equal(
            "Election us-2028: the ballot of 51 state(s) is empty (AL, AK, AZ, AR, CA, …): set Candidates, or a non-empty StateCandidates list for each state.",
            Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([Election()], withPseudonymSecrets: true)).Message);

        var emptyInOne = Election("harper");
        emptyInOne.StateCandidates["WY"] = [];
        Assert.Contains("the ballot of 1 state(s) is empty (WY)", Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([emptyInOne], withPseudonymSecrets: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_election_with_a_ballot_of_its_own_in_every_state_needs_no_national_list()
    {
        var perState = Election();
        foreach (var state in Voting.Core.Geography.UsStates.All)
        {
            perState.StateCandidates[state.Code] = ["harper", "local-" + state.Code.ToLowerInvariant()];
        }

        Assert.Equal(["harper", "local-wy"], new ElectionRegistry([perState], withPseudonymSecrets: true).Find("us-2028")!.CandidatesIn("WY"));
    }

    [Fact]
    public void A_candidate_id_of_the_longest_length_a_ballot_row_holds_is_accepted()
    {
        var longest = new string('x', VoteMessageRules.MaxIdLength);
        Assert.Equal([longest], new ElectionRegistry([Election(longest)], withPseudonymSecrets: true).Find("us-2028")!.Candidates);
    }

    [Fact]
    public void The_ballot_id_for_an_idempotency_key_is_keyed_by_the_elections_secret()
    {
        var registry = new ElectionRegistry([Election("harper")], withPseudonymSecrets: true);
        var pseudonym = registry.Pseudonym("us-2028", "voter-1");

        Assert.Equal(VoterPseudonym.Compute(Secret, "us-2028", "voter-1"), pseudonym);
        Assert.Equal(
            IdempotencyKey.BallotId(Secret, "us-2028", pseudonym, "0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f"),
            registry.IdempotentBallotId("us-2028", pseudonym, "0b6f2c1e-5d7a-4c3b-9e8f-1a2b3c4d5e6f"));
    }

    [Fact]
    public void A_service_that_computes_no_pseudonyms_needs_no_secret_and_keeps_none_it_is_given()
    {
        var withoutSecret = Election("harper");
        withoutSecret.PseudonymSecret = "";

        Assert.Contains("PseudonymSecret must be at least 32 bytes", Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([withoutSecret], withPseudonymSecrets: true)).Message, StringComparison.Ordinal);
        var registry = new ElectionRegistry([withoutSecret], withPseudonymSecrets: false);
        Assert.Equal(["harper"], registry.Find("us-2028")!.Candidates);
        Assert.Contains("computes no pseudonyms", Assert.Throws<InvalidOperationException>(() => registry.Pseudonym("us-2028", "voter-1")).Message, StringComparison.Ordinal);

        // Given one all the same, it keeps none.
        var given = new ElectionRegistry([Election("harper")], withPseudonymSecrets: false);
        Assert.Throws<InvalidOperationException>(() => given.Pseudonym("us-2028", "voter-1"));
        Assert.Throws<InvalidOperationException>(() => given.IdempotentBallotId("us-2028", new byte[32], "key"));
    }

    [Fact]
    public void The_default_election_is_the_one_running_not_one_configured_ahead()
    {
        var running = Election("harper");
        var ahead = Election("harper");
        ahead.Id = "us-2032";
        (ahead.OpensAt, ahead.ClosesAt) = (running.OpensAt.AddYears(4), running.ClosesAt.AddYears(4));
        var registry = new ElectionRegistry([running, ahead], withPseudonymSecrets: false);

        Assert.Equal("us-2028", registry.DefaultAt(running.OpensAt.AddHours(1))!.Id);
        Assert.Equal("us-2028", registry.DefaultAt(running.ClosesAt.AddYears(1))!.Id); // closed, still the latest to have opened
        Assert.Equal("us-2032", registry.DefaultAt(ahead.OpensAt)!.Id);
        Assert.Equal("us-2028", registry.DefaultAt(running.OpensAt.AddDays(-1))!.Id); // none open yet: the next to open
        Assert.Null(new ElectionRegistry([], withPseudonymSecrets: false).DefaultAt(running.OpensAt));
    }

    [Fact]
    public void The_default_election_follows_the_registrys_clock_and_moves_on_when_the_next_election_opens()
    {
        var running = Election("harper");
        var ahead = Election("harper");
        ahead.Id = "us-2032";
        (ahead.OpensAt, ahead.ClosesAt) = (running.OpensAt.AddYears(4), running.ClosesAt.AddYears(4));
        var clock = new FakeTimeProvider(running.OpensAt.AddHours(1));
        var registry = new ElectionRegistry([running, ahead], withPseudonymSecrets: false, clock);

        Assert.Equal("us-2028", registry.Default!.Id);
        clock.SetUtcNow(ahead.OpensAt.AddTicks(-1));
        Assert.Equal("us-2028", registry.Default!.Id); // the choice is kept until the next election opens…
        clock.SetUtcNow(ahead.OpensAt);
        Assert.Equal("us-2032", registry.Default!.Id); // …and no longer
        clock.SetUtcNow(ahead.ClosesAt.AddYears(1));
        Assert.Equal("us-2032", registry.Default!.Id);
    }
}
