using System.Buffers.Text;
using System.Text;
using Voting.Core.Identity;

namespace Voting.Core.Tests.Identity;

public sealed class UnverifiedAudienceTests
{
    private static string Token(string payloadJson) =>
        Base64Url.EncodeToString("""{"alg":"HS256"}"""u8) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson)) + ".c2ln";

    [Theory]
    [InlineData("""{"aud":"voting-ingest"}""", true)]
    [InlineData("""{"aud":["voting-results","voting-ingest"]}""", true)]
    [InlineData("""{"aud":"voting-results"}""", false)]
    [InlineData("""{"aud":["voting-results"]}""", false)]
    [InlineData("""{"aud":7}""", false)]
    [InlineData("""{"sub":"alice"}""", false)]
    [InlineData("""["voting-ingest"]""", false)]
    [InlineData("""{"aud":"voting-ingest" """, false)] // not JSON
    public void The_claimed_audience_is_read_without_the_signature(string payload, bool names)
    {
        Assert.Equal(names, UnverifiedAudience.Names(Token(payload), "voting-ingest"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dots")]
    [InlineData("a..b")]
    [InlineData("a.!!!.b")]
    public void Something_that_is_no_token_names_no_audience(string token)
    {
        Assert.False(UnverifiedAudience.Names(token, "voting-ingest"));
    }
}
