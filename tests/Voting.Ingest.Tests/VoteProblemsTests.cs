using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Voting.Ingest.Apis;

namespace Voting.Ingest.Tests;

/// <summary>Answers the framework writes itself get the API's stable problem types too.</summary>
public sealed class VoteProblemsTests
{
    [Theory]
    [InlineData(500, "internal-error")]
    [InlineData(415, "unsupported-media-type")]
    [InlineData(405, "method-not-allowed")]
    [InlineData(404, "not-found")]
    public void A_framework_answer_gets_its_stable_type(int status, string type)
    {
        var context = new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = new ProblemDetails { Status = status } };

        VoteProblems.Customize(context);

        Assert.Equal("urn:voting:problem:" + type, context.ProblemDetails.Type);
        Assert.False(string.IsNullOrEmpty(context.ProblemDetails.Detail));
    }
}
