using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Voting.Core.Ballots;
using Voting.Core.Elections;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Identity;
using Voting.Ingest.Casting;

namespace Voting.Ingest.Apis;

/// <summary><c>POST /api/v1/vote</c>: the public write path.</summary>
public static class VoteApi
{
    public const string RateLimitPolicy = "vote";

    /// <summary>The endpoint's name, and its operation id in the OpenAPI document.</summary>
    public const string OperationName = "CastVote";

    public static IEndpointRouteBuilder MapVoteApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/vote", CastAsync)
            .RequireAuthorization()
            .WithName(OperationName)
            .WithSummary("Cast the authenticated voter's ballot")
            .WithDescription("Answers 202 with a receipt once the vote is durable in the vote log. Election and state come from the voter's token.")
            .Accepts<CastVoteRequest>("application/json")
            .Produces<VoteReceipt>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    private static async Task<Results<Accepted<VoteReceipt>, ProblemHttpResult>> CastAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        ElectionRegistry elections,
        VoteCaster caster,
        IngestMetrics metrics,
        Microsoft.Extensions.Options.IOptions<IngestOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var voterId = user.FindFirstValue(VoterClaims.VoterId);
        var state = user.FindFirstValue(VoterClaims.State);
        var electionId = user.FindFirstValue(VoterClaims.Election);
        if (string.IsNullOrEmpty(voterId) || string.IsNullOrEmpty(state) || string.IsNullOrEmpty(electionId))
        {
            metrics.Refuse("unauthenticated");
            return VoteProblems.Unauthenticated("The token lacks the voter, state or election claim.");
        }

        var limit = options.Value.MaxBodyBytes;
        var (body, problem) = await ReadBodyAsync(request, limit, cancellationToken);
        if (problem is not null)
        {
            return await RefuseAsync(problem.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "malformed", problem);
        }

        var candidate = body!.Candidate;
        if (string.IsNullOrWhiteSpace(candidate))
        {
            return await RefuseAsync("malformed", VoteProblems.Malformed("'candidate' is required and must be a non-empty string."));
        }

        // A header sent empty is a key that breaks the rule, not a request without one: ignoring it
        // would cast a fresh ballot on every retry the client believes idempotent.
        string? idempotencyKey = null;
        if (request.Headers.TryGetValue(IdempotencyKey.HeaderName, out var keyHeader)
            && !IdempotencyKey.IsValid(idempotencyKey = keyHeader.ToString()))
        {
            return await RefuseAsync("malformed", VoteProblems.Malformed($"The {IdempotencyKey.HeaderName} header must be {IdempotencyKey.Rule}."));
        }

        var stateCode = state.ToUpperInvariant();
        var rejection = BallotRules.Check(elections.Find(electionId), stateCode, candidate, clock.GetUtcNow());
        if (rejection is { } reason)
        {
            return await RefuseAsync(reason.ToString(), VoteProblems.Rejected(reason, electionId, stateCode, candidate));
        }

        return await caster.CastAsync(electionId, voterId, stateCode, candidate, idempotencyKey, cancellationToken) switch
        {
            CastOutcome.Accepted accepted => TypedResults.Accepted(
                (string?)null, new VoteReceipt(accepted.Receipt, electionId, "accepted", accepted.AcceptedAt)),
            CastOutcome.AlreadyVoted => VoteProblems.AlreadyVoted(),
            CastOutcome.InProgress => VoteProblems.VoteInProgress(),
            CastOutcome.RateLimited limited => VoterRateLimited(request.HttpContext, limited.RetryAfter),
            CastOutcome.Unavailable unavailable => VoteProblems.Unavailable(unavailable.Reason),
            CastOutcome.Unconfirmed unconfirmed => VoteProblems.Unconfirmed(unconfirmed.Reason),
            var other => throw new InvalidOperationException($"Unhandled outcome {other}"),
        };

        // A refused attempt still counts against the voter's attempt limit: past it, the answer is 429.
        async Task<Results<Accepted<VoteReceipt>, ProblemHttpResult>> RefuseAsync(string why, ProblemHttpResult refusal)
        {
            if (await caster.CountRefusedAttemptAsync(electionId, voterId) is { } wait)
            {
                metrics.Refuse("voter_rate_limited");
                return VoterRateLimited(request.HttpContext, wait);
            }

            metrics.Refuse(why);
            return refusal;
        }
    }

    private static ProblemHttpResult VoterRateLimited(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return VoteProblems.RateLimited($"Too many attempts by this voter; retry after {seconds} s.");
    }

    /// <summary>The 413 answer, on a connection that ends with it: what is left of the body is not read.</summary>
    private static ProblemHttpResult TooLarge(HttpRequest request, int limit)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return VoteProblems.TooLarge(limit);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes and parses them; never buffers more than that.</summary>
    private static async Task<(CastVoteRequest? Body, ProblemHttpResult? Problem)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // The server's own cap too: after a 413 Kestrel would otherwise read and discard the rest of the
        // body (up to its 30 MB default) to keep the connection; with it, it stops a byte past the limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } cap)
        {
            cap.MaxRequestBodySize = limit + 1;
        }

        if (request.ContentLength > limit)
        {
            return (null, TooLarge(request, limit));
        }

        // What the endpoint's routing accepts as JSON (application/json, or a type with a +json suffix);
        // anything else never gets here (415).
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, VoteProblems.Malformed("Content-Type must be application/json."));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            int read;
            try
            {
                while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), cancellationToken)) > 0)
                {
                    length += read;
                    if (length > limit)
                    {
                        return (null, TooLarge(request, limit));
                    }
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
            {
                // Kestrel's minimum body data rate: a slow-loris client is cut off, not waited for.
                return (null, VoteProblems.TooSlow());
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Past the server's cap set above (a chunk carrying the body beyond it).
                return (null, TooLarge(request, limit));
            }
            catch (BadHttpRequestException e)
            {
                return (null, VoteProblems.Malformed(e.Message));
            }

            if (length == 0)
            {
                return (null, VoteProblems.Malformed("The request body is empty."));
            }

            try
            {
                var body = JsonSerializer.Deserialize(buffer.AsSpan(0, length), IngestJsonContext.Default.CastVoteRequest);
                return body is null ? (null, VoteProblems.Malformed("The body must be a JSON object.")) : (body, null);
            }
            catch (JsonException e)
            {
                return (null, VoteProblems.Malformed(e.Path is null ? e.Message : $"Invalid JSON at {e.Path}: {e.Message}"));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
