using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Voting.Audit.Apis;

/// <summary>The audit API's errors as RFC 7807 problem details with a stable <c>type</c>.</summary>
public static class AuditProblems
{
    public const string TypePrefix = "urn:voting:problem:";

    public static ProblemHttpResult UnknownElection(string electionId) =>
        Problem(404, "unknown-election", "No such election.", $"Election '{electionId}' is not audited here.");

    public static ProblemHttpResult MalformedReceipt() =>
        Problem(400, "malformed-receipt", "A receipt is 64 hexadecimal characters.", "The receipt could not be read.");

    public static ProblemHttpResult UnknownReceipt() =>
        Problem(404, "unknown-receipt", "No ballot with this receipt is in any log.",
            "Either the ballot is still being recorded (try again in a few seconds) or the receipt is wrong.");

    public static ProblemHttpResult NotAnchoredYet(long leafIndex) =>
        Problem(409, "not-anchored-yet", "The ballot is recorded but no anchored checkpoint covers it yet.",
            $"The ballot is leaf {leafIndex}; checkpoints are anchored every minute and count once their block is deep enough. Try again shortly.");

    public static ProblemHttpResult NoSuchAnchor(long treeSize) =>
        Problem(422, "no-such-anchor", "There is no anchored checkpoint of that size.", $"Tree size {treeSize} is not anchored, or its anchor is not final yet; use a size whose status is anchored in the checkpoint list.");

    public static ProblemHttpResult BadSizes(string detail) => Problem(422, "bad-tree-sizes", "The tree sizes can't be compared.", detail);

    public static ProblemHttpResult NoAudit(string electionId) =>
        Problem(404, "no-audit-yet", "No audit has run since the service started.", $"Run one with POST /api/v1/audit/elections/{electionId}/audits.");

    /// <summary>The log holds fewer leaves than an anchored checkpoint: leaves were removed (the audit names it checkpoint-beyond-log).</summary>
    public static ProblemHttpResult LogShorterThanAnchor(long treeSize) =>
        Problem(503, "log-shorter-than-anchor", "The log no longer holds the anchored tree.",
            $"The log holds fewer leaves than the checkpoint of size {treeSize} anchored on chain: no proof can be given until it is restored. Run an audit.");

    public static ProblemHttpResult Unavailable(string detail) => Problem(503, "audit-unavailable", "A store or the chain can't be reached.", detail);

    /// <summary>
    /// Gives the framework's own answers a stable type and a detail: a query value that can't be bound
    /// (a tree size that is missing or no whole number) is answered before the endpoint runs, with no
    /// word of which one; an unknown path or method likewise.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true)
        {
            return;
        }

        (problem.Type, problem.Detail) = problem.Status switch
        {
            StatusCodes.Status400BadRequest => (TypePrefix + "malformed-query", QueryProblems(context.HttpContext) ?? problem.Detail ?? "The request could not be read."),
            StatusCodes.Status404NotFound => (TypePrefix + "not-found", "No such endpoint; /openapi/v1.json lists them."),
            StatusCodes.Status405MethodNotAllowed => (TypePrefix + "method-not-allowed", "This endpoint does not take that method; /openapi/v1.json lists them."),
            _ => (problem.Type, problem.Detail ?? problem.Title),
        };
    }

    // What is wrong with the tree sizes the endpoint asked for takes, or null when none is.
    private static string? QueryProblems(HttpContext http)
    {
        var (names, required) = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName switch
        {
            "ConsistencyProof" => (new[] { "from", "to" }, true),
            "InclusionProof" => (["treeSize"], false),
            _ => ([], false),
        };
        var problems = new List<string>();
        foreach (var name in names)
        {
            var values = http.Request.Query[name];
            if (values.Count == 0)
            {
                if (required)
                {
                    problems.Add($"{name} is missing");
                }
            }
            else if (values.Count > 1)
            {
                problems.Add($"{name} is given {values.Count} times");
            }
            else if (!long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                var shown = values[0] is { Length: > 32 } text ? text[..32] + "…" : values[0];
                problems.Add($"{name} '{shown}' is not a whole number (or too large)");
            }
        }

        return problems.Count == 0 ? null : $"{string.Join("; ", problems)}. Tree sizes are those of anchored checkpoints (GET /api/v1/audit/elections/{{election}}/checkpoints).";
    }

    private static ProblemHttpResult Problem(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
