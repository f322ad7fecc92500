using Voting.Results.Apis;

namespace Voting.Results.Tests;

public sealed class ETagMatchTests
{
    private const string Tag = "\"0123456789abcdef\"";

    [Theory]
    [InlineData("\"0123456789abcdef\"")]
    [InlineData("W/\"0123456789abcdef\"")]
    [InlineData("\"ffff\", W/\"0123456789abcdef\"")]
    [InlineData("*")]
    public void If_None_Match_names_the_tag_strong_or_weak(string header) => Assert.True(ResultsApi.Matches(header, Tag));

    [Theory]
    [InlineData("\"0123456789abcdee\"")]
    [InlineData("W/\"0123456789abcdee\"")]
    [InlineData("0123456789abcdef")]
    [InlineData("")]
    public void Another_tag_does_not_match(string header) => Assert.False(ResultsApi.Matches(header, Tag));
}
