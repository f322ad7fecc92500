using Microsoft.AspNetCore.Http.HttpResults;
using Voting.Core.Elections;

namespace Voting.Ingest.Apis;

/// <summary>Every way a vote can be refused, as RFC 7807 problem details with a stable <c>type</c>.</summary>
public static class VoteProblems
{
    public const string TypePrefix = "urn:voting:problem:";

    public static ProblemHttpResult Malformed(string detail) => Problem(400, "malformed-ballot", "The ballot is not valid JSON of the expected shape.", detail);

    public static ProblemHttpResult Unauthenticated(string detail) => Problem(401, "unauthenticated", "A valid voter token is required.", detail);

    public static ProblemHttpResult TooSlow() =>
        Problem(408, "request-too-slow", "The request body arrived too slowly.", "The ballot was not read; send it again in one go.");

    public static ProblemHttpResult AlreadyVoted() =>
        Problem(409, "already-voted", "This voter has already voted in this election.", "Only the first ballot counts; this one was not recorded.");

    public static ProblemHttpResult VoteInProgress() =>
        Problem(409, "vote-in-progress", "Another ballot of this voter is being recorded right now.", "Only one ballot per voter can be recorded; this one was not.");

    public static ProblemHttpResult TooLarge(int limit) => Problem(413, "ballot-too-large", "The request body is too large.", $"At most {limit} bytes are accepted.");

    public static ProblemHttpResult RateLimited(string detail) => Problem(429, "rate-limited", "Too many requests.", detail);

    public static ProblemHttpResult Unavailable(string detail) =>
        Problem(503, "vote-not-recorded", "The vote could not be recorded right now. Nothing was stored; please try again.", detail);

    public static ProblemHttpResult Unconfirmed(string detail) =>
        Problem(503, "vote-not-confirmed",
            "The vote could not be confirmed: it may have been recorded. Send it again with the same Idempotency-Key to get its receipt; without one, check GET /api/v1/votes/{voter_id} (with your lookup token) before voting again.",
            detail);

    public static ProblemHttpResult Rejected(BallotRejection rejection, string electionId, string state, string candidate) => rejection switch
    {
        BallotRejection.UnknownElection => Problem(422, "unknown-election", "The token's election is not served here.", $"Election '{electionId}' is unknown."),
        BallotRejection.ElectionNotOpenYet => Problem(422, "election-not-open", "Voting has not opened yet.", $"Election '{electionId}' is not open yet."),
        BallotRejection.ElectionClosed => Problem(422, "election-closed", "Voting has closed.", $"Election '{electionId}' is closed."),
        BallotRejection.UnknownState => Problem(422, "unknown-state", "The token's state is not a US state or DC.", $"State '{state}' is unknown."),
        BallotRejection.UnknownCandidate => Problem(422, "unknown-candidate", "The candidate is not on this state's ballot.", $"'{candidate}' is not on the {state} ballot."),
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, null),
    };

    /// <summary>Gives the framework's own error answers (415, 405, 404 …) a stable type of ours too.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }

        (problem.Type, problem.Detail) = problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => (TypePrefix + "unsupported-media-type", "Send the ballot as application/json."),
            StatusCodes.Status405MethodNotAllowed => (TypePrefix + "method-not-allowed", "Cast a vote with POST."),
            StatusCodes.Status404NotFound => (TypePrefix + "not-found", "No such endpoint."),
            StatusCodes.Status400BadRequest => (TypePrefix + "malformed-ballot", problem.Detail ?? "The request is malformed."),
            // Unexpected, and only before the vote reached Kafka (what follows is never allowed to fail
            // the request): nothing was accepted. The exception is in the service's log, not here.
            StatusCodes.Status500InternalServerError => (TypePrefix + "internal-error", "Something unexpected failed; the vote was not accepted. Try again."),
            _ => (problem.Type, problem.Detail ?? problem.Title),
        };
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
