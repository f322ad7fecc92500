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

    public static ProblemHttpResult Unavailable(string detail) => Problem(503, "results-unavailable", "The results can't be read right now.", detail);

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
