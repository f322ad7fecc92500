using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Voting.Core.Identity;

namespace Voting.Core.Tests.Identity;

/// <summary>Tokens are built by hand here (header and payload JSON, HMAC-SHA256), so every deviation can be tried.</summary>
public sealed class VoterTokenVerifierTests
{
    private const string Issuer = "election-authority";
    private const string Audience = "voting-ingest";
    private const string ValidHeader = """{"alg":"HS256","kid":"k0","typ":"JWT"}""";

    private static readonly byte[] Key0 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key1 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Now = new(2028, 11, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly VoterTokenVerifier Verifier = new(
        [new VoterTokenKey("k0", Key0), new VoterTokenKey("k1", Key1)], Issuer, Audience, TimeSpan.FromSeconds(30));

    [Fact]
    public void A_token_of_the_authority_gives_its_voter_state_election_and_expiry()
    {
        var check = Verifier.Verify(Token(ValidHeader, Payload()), Now);

        Assert.True(check.IsValid);
        Assert.Equal(new VoterToken("voter-1", "PA", "us-2028", Now.AddHours(1)), check.Token);
    }

    [Theory]
    [InlineData("""{"alg":"HS256","kid":"k1"}""")]
    [InlineData("""{"alg":"HS256"}""")] // no key id: every key is tried
    [InlineData("""{"alg":"HS256","kid":"retired"}""")] // an unknown key id: every key is tried
    [InlineData("""{"typ":"JWT","x5t":{"nested":[1,2]},"alg":"HS256"}""")] // unknown header members are ignored
    public void Any_of_the_authoritys_keys_may_have_signed(string header)
    {
        Assert.True(Verifier.Verify(Token(header, Payload(), Key1), Now).IsValid);
    }

    [Fact]
    public void Key_ids_only_order_the_keys_so_a_rotation_that_renames_them_keeps_older_tokens_valid()
    {
        // Ids are positions in the configured list: after a new key is put first, a token signed by the
        // old first key still names "k0", which is now the new key.
        var rotated = new VoterTokenVerifier(
            [new VoterTokenKey("k0", Key1), new VoterTokenKey("k1", Key0), new VoterTokenKey("k2", new byte[32])], Issuer, Audience, TimeSpan.Zero);
        foreach (var kid in new[] { "k0", "k1", "k2" })
        {
            Assert.True(rotated.Verify(Token($$"""{"alg":"HS256","kid":"{{kid}}"}""", Payload(), Key0), Now).IsValid, kid);
        }
    }

    [Fact]
    public void A_token_signed_by_another_key_or_changed_after_signing_is_refused_as_forged()
    {
        var stranger = Token(ValidHeader, Payload(), new byte[32]);
        var valid = Token(ValidHeader, Payload());
        var parts = valid.Split('.');
        var otherVoter = Token(ValidHeader, Payload(sub: "voter-2"));
        var swappedPayload = $"{parts[0]}.{otherVoter.Split('.')[1]}.{parts[2]}";
        var flippedSignature = $"{parts[0]}.{parts[1]}.{Flip(parts[2])}";

        Assert.Equal(VoterTokenFailure.BadSignature, Verifier.Verify(stranger, Now).Failure);
        Assert.Equal(VoterTokenFailure.BadSignature, Verifier.Verify(swappedPayload, Now).Failure);
        Assert.Equal(VoterTokenFailure.BadSignature, Verifier.Verify(flippedSignature, Now).Failure);
    }

    [Theory]
    [InlineData("""{"alg":"none"}""")]
    [InlineData("""{"alg":"HS512"}""")]
    [InlineData("""{"alg":"RS256"}""")]
    [InlineData("""{"alg":"hs256"}""")]
    [InlineData("""{"kid":"k0"}""")] // no algorithm
    [InlineData("""{"alg":"HS256","alg":"HS256"}""")]
    [InlineData("""{"alg":"HS256","crit":["exp"]}""")]
    [InlineData("""{"alg":"HS256","kid":7}""")]
    [InlineData("""["alg","HS256"]""")]
    [InlineData("""{"alg":"HS256"} {}""")]
    [InlineData("""{"alg":"HS256\""")]
    public void Any_other_algorithm_or_header_is_refused_even_with_a_valid_HMAC(string header)
    {
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(Token(header, Payload()), Now).Failure);
    }

    [Fact]
    public void An_unsigned_token_is_refused()
    {
        var unsigned = $"{Encode("""{"alg":"none"}""")}.{Encode(Payload())}.";
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(unsigned, Now).Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc.def.ghi")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d.e")] // the JWE form
    [InlineData("..")]
    public void Text_that_is_not_a_compact_token_is_malformed(string token)
    {
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(token, Now).Failure);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("=")]
    [InlineData("+")]
    [InlineData("\u00e9")]
    [InlineData("\n")]
    public void A_character_outside_base64url_anywhere_makes_a_token_malformed(string inserted)
    {
        var valid = Token(ValidHeader, Payload());
        foreach (var at in new[] { 1, valid.IndexOf('.') + 2, valid.Length - 1, valid.Length })
        {
            Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(valid.Insert(at, inserted), Now).Failure);
        }
    }

    [Fact]
    public void Invalid_UTF8_in_a_header_or_claim_string_is_malformed_not_an_error()
    {
        // '#' stands for a byte that can't start a UTF-8 sequence (0xFB) or a lead byte with nothing after it (0xC3).
        var header = Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"k#"}""").Select(b => b == (byte)'#' ? (byte)0xFB : b).ToArray();
        var badHeader = Base64Url.EncodeToString(header);
        var signingInput = $"{badHeader}.{Encode(Payload())}";
        var token = $"{signingInput}.{Base64Url.EncodeToString(HMACSHA256.HashData(Key0, Encoding.ASCII.GetBytes(signingInput)))}";
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(token, Now).Failure);

        var payload = Encoding.UTF8.GetBytes(Payload(sub: "v#")).Select(b => b == (byte)'#' ? (byte)0xC3 : b).ToArray();
        var signedPayload = $"{Encode(ValidHeader)}.{Base64Url.EncodeToString(payload)}";
        var withBadClaim = $"{signedPayload}.{Base64Url.EncodeToString(HMACSHA256.HashData(Key0, Encoding.ASCII.GetBytes(signedPayload)))}";
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(withBadClaim, Now).Failure);
    }

    [Fact]
    public void Signed_garbage_in_the_header_or_payload_gets_a_verdict_never_an_exception()
    {
        var random = new Random(20261205); // fixed: a failure names the same input every run
        var validHeader = Encoding.UTF8.GetBytes(ValidHeader);
        var validPayload = Encoding.UTF8.GetBytes(Payload());
        for (var i = 0; i < 3000; i++)
        {
            // Random bytes, or a valid part with a few bytes overwritten (JSON that is almost right).
            byte[] Garble(byte[] valid)
            {
                if (i % 2 == 0)
                {
                    var bytes = new byte[random.Next(0, 200)];
                    random.NextBytes(bytes);
                    return bytes;
                }

                var copy = (byte[])valid.Clone();
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
            }

            var header = i % 3 == 0 ? validHeader : Garble(validHeader);
            var payload = i % 3 == 1 ? validPayload : Garble(validPayload);
            var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
            var token = $"{signingInput}.{Base64Url.EncodeToString(HMACSHA256.HashData(Key0, Encoding.ASCII.GetBytes(signingInput)))}";

            // Signed by the authority's key, a garbled part that still reads as the claims (a changed
            // letter inside a value) is a valid token; whatever else comes out, it is a verdict.
            var check = Verifier.Verify(token, Now);
            if (check.Token is { } voter)
            {
                Assert.All(new[] { voter.VoterId, voter.State, voter.ElectionId }, claim => Assert.False(string.IsNullOrEmpty(claim)));
            }
            else
            {
                Assert.True(Enum.IsDefined(check.Failure));
            }
        }
    }

    [Fact]
    public void No_single_character_change_anywhere_yields_another_valid_token()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var valid = Token(ValidHeader, Payload());
        var segments = valid.Split('.').Select(part => Base64Url.DecodeFromChars(part)).ToArray();
        var tried = 0;
        for (var at = 0; at < valid.Length; at++)
        {
            if (valid[at] == '.')
            {
                continue;
            }

            // Every other character, at a stride so the test stays fast: 8 replacements per position.
            for (var k = 1; k < Alphabet.Length; k += 8)
            {
                var replacement = Alphabet[(Alphabet.IndexOf(valid[at], StringComparison.Ordinal) + k) % Alphabet.Length];
                var changed = string.Concat(valid.AsSpan(0, at), [replacement], valid.AsSpan(at + 1));
                tried++;
                if (Verifier.Verify(changed, Now).IsValid)
                {
                    // Only the unused low bits of a segment's last character may change: same bytes, same token.
                    var decoded = changed.Split('.').Select(part => Base64Url.DecodeFromChars(part)).ToArray();
                    Assert.True(segments.Zip(decoded).All(pair => pair.First.SequenceEqual(pair.Second)), $"'{changed}' verified");
                }
            }
        }

        Assert.True(tried > 2000, $"{tried} changes tried");
    }

    [Fact]
    public void A_token_longer_than_any_voter_token_is_malformed_before_any_work()
    {
        var huge = Token(ValidHeader, Payload(extra: $""","pad":"{new string('x', VoterTokenVerifier.MaxTokenLength)}" """));
        Assert.Equal(VoterTokenFailure.Malformed, Verifier.Verify(huge, Now).Failure);
    }

    [Fact]
    public void Expiry_and_not_before_hold_with_the_clock_skew_and_no_more()
    {
        var expires = Now.ToUnixTimeSeconds();
        var token = Token(ValidHeader, Payload(exp: expires, nbf: expires - 600));

        Assert.True(Verifier.Verify(token, Now.AddSeconds(30)).IsValid);
        Assert.Equal(VoterTokenFailure.Expired, Verifier.Verify(token, Now.AddSeconds(31)).Failure);
        Assert.True(Verifier.Verify(token, Now.AddSeconds(-630)).IsValid);
        Assert.Equal(VoterTokenFailure.NotYetValid, Verifier.Verify(token, Now.AddSeconds(-631)).Failure);
    }

    [Theory]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1.9e9}""", true)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1900000000.75}""", true)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e"}""", false)] // no expiry
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":"1900000000"}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1e300}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1900000000,"nbf":1900000001}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1900000000,"exp":1900000000}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":"v","sub":"w","state":"PA","election":"e","exp":1900000000}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","sub":7,"state":"PA","election":"e","exp":1900000000}""", false)]
    [InlineData("""{"iss":"election-authority","aud":["voting-ingest",3],"sub":"v","state":"PA","election":"e","exp":1900000000}""", false)]
    [InlineData("""{"iss":"election-authority","aud":"voting-ingest","aud":"voting-ingest","sub":"v","state":"PA","election":"e","exp":1900000000}""", false)]
    [InlineData("""["not","an","object"]""", false)]
    [InlineData("""{"iss":"election-authority",""", false)]
    public void Claims_must_have_their_JWT_types_and_appear_once(string payload, bool valid)
    {
        var check = Verifier.Verify(Token(ValidHeader, payload), Now);
        Assert.Equal(valid, check.IsValid);
        if (!valid)
        {
            Assert.Equal(VoterTokenFailure.Malformed, check.Failure);
        }
    }

    [Theory]
    [InlineData("""{"iss":"someone-else","aud":"voting-ingest"}""")]
    [InlineData("""{"aud":"voting-ingest"}""")]
    [InlineData("""{"iss":"election-authority","aud":"voting-results"}""")]
    [InlineData("""{"iss":"election-authority","aud":["voting-results","other"]}""")]
    [InlineData("""{"iss":"election-authority"}""")]
    [InlineData("""{"iss":"Election-Authority","aud":"voting-ingest"}""")]
    public void A_token_for_another_issuer_or_audience_is_refused(string issuerAndAudience)
    {
        var payload = issuerAndAudience[..^1] + $$""","sub":"v","state":"PA","election":"e","exp":{{Now.AddHours(1).ToUnixTimeSeconds()}}}""";
        Assert.Equal(VoterTokenFailure.OtherIssuerOrAudience, Verifier.Verify(Token(ValidHeader, payload), Now).Failure);
    }

    [Fact]
    public void An_audience_list_naming_this_service_is_accepted()
    {
        var payload = Payload(audience: """["voting-results","voting-ingest"]""");
        Assert.True(Verifier.Verify(Token(ValidHeader, payload), Now).IsValid);
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("state")]
    [InlineData("election")]
    public void A_token_without_a_voter_claim_says_so(string missing)
    {
        var payload = Payload().Replace($"\"{missing}\":", "\"other\":", StringComparison.Ordinal);
        Assert.Equal(VoterTokenFailure.MissingVoterClaims, Verifier.Verify(Token(ValidHeader, payload), Now).Failure);
    }

    [Fact]
    public void Claim_names_and_values_are_read_with_their_JSON_escapes()
    {
        var payload = Payload(sub: "v\\u00f6ter \\\"1\\\"").Replace("\"state\"", "\"st\\u0061te\"", StringComparison.Ordinal);
        Assert.Equal("v\u00f6ter \"1\"", Verifier.Verify(Token(ValidHeader, payload), Now).Token?.VoterId);
        Assert.Equal("PA", Verifier.Verify(Token(ValidHeader, payload), Now).Token?.State);
    }

    [Theory]
    [InlineData(" ")] // white space only
    [InlineData(" voter-1")]
    [InlineData("voter-1 ")]
    [InlineData("voter-1\\t")]
    [InlineData("voter\\u00001")] // a control character
    [InlineData("voter\\u200b-1")] // zero-width space: prints as voter-1
    [InlineData("voter\\u00ADx")] // soft hyphen, invisible
    public void A_voter_id_not_in_one_canonical_form_is_refused_not_normalised(string sub)
    {
        // Keyed over its exact bytes, each would be a second pseudonym, and a second ballot, for one person.
        Assert.Equal(VoterTokenFailure.NonCanonicalVoterId, Verifier.Verify(Token(ValidHeader, Payload(sub: sub)), Now).Failure);
    }

    [Theory]
    [InlineData("jos\\u00e9")] // composed
    [InlineData("jose\\u0301")] // decomposed: which form is the authority's to keep to
    [InlineData("ann.lee@example.org")]
    [InlineData("PA-000123 456")] // inner spaces are the authority's to choose
    public void A_canonical_voter_id_is_taken_as_it_is(string sub)
    {
        Assert.True(Verifier.Verify(Token(ValidHeader, Payload(sub: sub)), Now).IsValid);
    }

    [Fact]
    public void A_verifier_needs_a_key_an_issuer_an_audience_and_a_non_negative_skew()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoterTokenVerifier([], Issuer, Audience, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new VoterTokenVerifier([new("k0", Key0)], "", Audience, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new VoterTokenVerifier([new("k0", Key0)], Issuer, "", TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VoterTokenVerifier([new("k0", Key0)], Issuer, Audience, TimeSpan.FromSeconds(-1)));
    }

    private static string Payload(string sub = "voter-1", long? exp = null, long? nbf = null, string audience = "\"voting-ingest\"", string extra = "") =>
        $$"""{"aud":{{audience}},"iss":"election-authority","exp":{{exp ?? Now.AddHours(1).ToUnixTimeSeconds()}},{{(nbf is { } n ? $"\"nbf\":{n}," : "")}}"iat":{{Now.ToUnixTimeSeconds()}},"sub":"{{sub}}","state":"PA","election":"us-2028"{{extra}}}""";

    private static string Token(string header, string payload, byte[]? key = null)
    {
        var signingInput = $"{Encode(header)}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(key ?? Key0, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Flip(string encodedSignature)
    {
        var bytes = Base64Url.DecodeFromChars(encodedSignature);
        bytes[5] ^= 0x40;
        return Base64Url.EncodeToString(bytes);
    }
}
