using System.Security.Cryptography;
using System.Text;
using Voting.Core.Identity;

namespace Voting.Core.Tests.Identity;

public sealed class VoterPseudonymTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Same_voter_in_same_election_always_gets_the_same_pseudonym()
    {
        Assert.Equal(VoterPseudonym.Compute(Secret, "us-2028", "voter-1"), VoterPseudonym.Compute(Secret, "us-2028", "voter-1"));
    }

    [Fact]
    public void Pseudonym_is_the_HMAC_SHA256_of_the_length_prefixed_fields()
    {
        var message = new byte[] { 0, 0, 0, 7 }.Concat(Encoding.UTF8.GetBytes("us-2028"))
            .Concat(new byte[] { 0, 0, 0, 7 }).Concat(Encoding.UTF8.GetBytes("voter-1")).ToArray();
        Assert.Equal(HMACSHA256.HashData(Secret, message), VoterPseudonym.Compute(Secret, "us-2028", "voter-1"));
    }

    [Fact]
    public void Different_voters_elections_and_secrets_give_unrelated_pseudonyms()
    {
        var baseline = VoterPseudonym.Compute(Secret, "us-2028", "voter-1");
        var otherSecret = (byte[])Secret.Clone();
        otherSecret[0] ^= 1;
        Assert.NotEqual(baseline, VoterPseudonym.Compute(Secret, "us-2028", "voter-2"));
        Assert.NotEqual(baseline, VoterPseudonym.Compute(Secret, "us-2032", "voter-1"));
        Assert.NotEqual(baseline, VoterPseudonym.Compute(otherSecret, "us-2028", "voter-1"));
    }

    [Fact]
    public void Field_boundaries_cannot_be_shifted_to_forge_a_collision()
    {
        Assert.NotEqual(VoterPseudonym.Compute(Secret, "ab", "c"), VoterPseudonym.Compute(Secret, "a", "bc"));
    }

    [Fact]
    public void Pseudonym_never_contains_the_voter_id()
    {
        var pseudonym = VoterPseudonym.Compute(Secret, "e", "123456789");
        Assert.DoesNotContain("123456789", Convert.ToHexString(pseudonym) + Encoding.Latin1.GetString(pseudonym), StringComparison.Ordinal);
        Assert.Equal(VoterPseudonym.SizeInBytes, pseudonym.Length);
    }

    [Fact]
    public void Short_secret_or_empty_ids_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => VoterPseudonym.Compute(new byte[16], "e", "v"));
        Assert.Throws<ArgumentException>(() => VoterPseudonym.Compute(Secret, "", "v"));
        Assert.Throws<ArgumentException>(() => VoterPseudonym.Compute(Secret, "e", ""));
    }

    [Fact]
    public void Very_long_ids_work_without_stack_overflow()
    {
        var longId = new string('x', 10_000);
        Assert.Equal(32, VoterPseudonym.Compute(Secret, "e", longId).Length);
    }
}
