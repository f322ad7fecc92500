using Voting.Core.Identity;
using Voting.Infrastructure.Identity;

namespace Voting.Infrastructure.Tests;

/// <summary>The services' verifier against tokens minted by the issuer (Microsoft.IdentityModel), as the authority's tokens are.</summary>
public sealed class VoterTokenKeysTests
{
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(50, 48).Select(i => (byte)i).ToArray());

    [Fact]
    public void A_token_the_issuer_mints_is_verified_with_its_claims()
    {
        var options = new VoterTokenOptions { SigningKeys = [OldKey] };
        var token = new VoterTokenIssuer(options, TimeProvider.System).Issue("voter-\u00e9 1", "PA", "us-2028", TimeSpan.FromMinutes(5));

        var check = VoterTokenKeys.Verifier(options).Verify(token, DateTimeOffset.UtcNow);

        Assert.True(check.IsValid, check.Failure.ToString());
        Assert.Equal(("voter-\u00e9 1", "PA", "us-2028"), (check.Token!.VoterId, check.Token.State, check.Token.ElectionId));
        Assert.InRange(check.Token.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public void After_a_rotation_tokens_of_the_new_and_the_old_key_are_both_verified()
    {
        var before = new VoterTokenOptions { SigningKeys = [OldKey] };
        var after = new VoterTokenOptions { SigningKeys = [NewKey, OldKey] };
        var verifier = VoterTokenKeys.Verifier(after);

        Assert.True(verifier.Verify(new VoterTokenIssuer(before, TimeProvider.System).Issue("v", "PA", "e"), DateTimeOffset.UtcNow).IsValid);
        Assert.True(verifier.Verify(new VoterTokenIssuer(after, TimeProvider.System).Issue("v", "PA", "e"), DateTimeOffset.UtcNow).IsValid);
        Assert.Equal(
            VoterTokenFailure.BadSignature,
            VoterTokenKeys.Verifier(before).Verify(new VoterTokenIssuer(after, TimeProvider.System).Issue("v", "PA", "e"), DateTimeOffset.UtcNow).Failure);
    }

    [Fact]
    public void Issued_tokens_for_another_audience_or_out_of_their_lifetime_are_refused_for_that_reason()
    {
        var options = new VoterTokenOptions { SigningKeys = [OldKey], ClockSkewSeconds = 0 };
        var verifier = VoterTokenKeys.Verifier(options);
        var issuer = new VoterTokenIssuer(options, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;

        var forResults = new VoterTokenIssuer(new VoterTokenOptions { SigningKeys = [OldKey], Audience = "voting-results" }, TimeProvider.System).Issue("v", "PA", "e");
        Assert.Equal(VoterTokenFailure.OtherIssuerOrAudience, verifier.Verify(forResults, now).Failure);
        Assert.Equal(VoterTokenFailure.Expired, verifier.Verify(issuer.Issue("v", "PA", "e", TimeSpan.FromMinutes(1), now.AddMinutes(-10)), now).Failure);
        Assert.Equal(VoterTokenFailure.NotYetValid, verifier.Verify(issuer.Issue("v", "PA", "e", TimeSpan.FromMinutes(10), now.AddMinutes(5)), now).Failure);
    }

    [Fact]
    public void A_weak_or_unreadable_key_is_refused_at_start_up_naming_the_setting()
    {
        var weak = Assert.Throws<InvalidOperationException>(() => VoterTokenKeys.Verifier(new VoterTokenOptions { SigningKeys = [OldKey, Convert.ToBase64String(new byte[16])] }));
        Assert.Contains("SigningKeys:1", weak.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => VoterTokenKeys.Verifier(new VoterTokenOptions { SigningKeys = ["not base64!"] }));
    }
}
