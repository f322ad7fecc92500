using Voting.Core.Ballots;
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
        var refusal = Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([Election("harper", tooLong)]));
        Assert.Equal($"Election us-2028: candidate id(s) '{tooLong}' must be 1–64 characters and not blank.", refusal.Message);

        var inStateBallot = Election("harper");
        inStateBallot.StateCandidates["PA"] = ["harper", " "];
        Assert.Contains("candidate id(s) ' '", Assert.Throws<InvalidOperationException>(() => new ElectionRegistry([inStateBallot])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_id_of_the_longest_length_a_ballot_row_holds_is_accepted()
    {
        var longest = new string('x', VoteMessageRules.MaxIdLength);
        Assert.Equal([longest], new ElectionRegistry([Election(longest)]).Find("us-2028")!.Candidates);
    }
}
