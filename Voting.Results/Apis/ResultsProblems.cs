using Microsoft.AspNetCore.Http.HttpResults;

namespace Voting.Results.Apis;

/// <summary>The results API's errors as RFC 7807 problem details with a stable <c>type</c>.</summary>
public static class ResultsProblems
{
    public const string TypePrefix = "urn:voting:problem:";

    public static ProblemHttpResult UnknownElection(string? electionId) =>
        Problem(404, "unknown-election", "No such election.", electionId is null ? "No election is configured." : $"Election '{electionId}' is not served here.");

    public static ProblemHttpResult UnknownState(string state) =>
        Problem(404, "unknown-state", "No such state.", $"'{state}' is not a US state code or DC.");

    public static ProblemHttpResult Unauthenticated(string detail) => Problem(401, "unauthenticated", "A valid voter token is required.", detail);

    public static ProblemHttpResult OtherVoter() =>
        Problem(403, "not-your-vote", "A voter can only look up their own vote.", "The token belongs to another voter.");

    public static ProblemHttpResult MalformedReceipt() =>
        Problem(400, "malformed-receipt", "A receipt is 64 hexadecimal characters.", "The receipt could not be read.");

    public static ProblemHttpResult RateLimited(string detail) => Problem(429, "rate-limited", "Too many requests.", detail);

    public static ProblemHttpResult Unavailable(string detail) => Problem(503, "results-unavailable", "The results can't be read right now.", detail);

    /// <summary>Gives the framework's own answers (an unknown path or method) a stable type and a detail.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }

        (problem.Type, problem.Detail) = problem.Status switch
        {
            StatusCodes.Status404NotFound => (TypePrefix + "not-found", "No such endpoint; /openapi/v1.json lists them."),
            StatusCodes.Status405MethodNotAllowed => (TypePrefix + "method-not-allowed", "The results API is read with GET."),
            StatusCodes.Status400BadRequest => (TypePrefix + "malformed-request", problem.Detail ?? "The request could not be read."),
            _ => (problem.Type, problem.Detail ?? problem.Title),
        };
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
