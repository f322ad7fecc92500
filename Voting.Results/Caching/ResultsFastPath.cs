using Voting.Infrastructure.Elections;
using Voting.Results.Apis;

namespace Voting.Results.Caching;

/// <summary>
/// The read storm's hot path: <c>GET /api/v1/results</c> for the default election's national
/// totals — plain, or naming that election as its only query (<c>?election=us-2028</c>) — whose
/// answer is in this instance's memory (fresh, or just expired while one refresh runs: see
/// <see cref="ResultsCache.TryGetFresh"/>) is written straight away, before routing and endpoint
/// binding. Anything else — another path, another query, no entry — goes down the normal pipeline,
/// which fills the cache.
/// </summary>
public sealed class ResultsFastPath(RequestDelegate next, ResultsCache cache, ElectionRegistry elections)
{
    private const string ElectionQuery = "?election=";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || request.Path != "/api/v1/results"
            || elections.Default is not { } election
            || (request.QueryString.HasValue && !NamesOnly(request.QueryString.Value!, election.Id))
            || cache.TryGetFresh(ResultsApi.CacheKey(election.Id, ResultsApi.NationalArea)) is not { } cached)
        {
            return next(context);
        }

        var response = context.Response;
        response.Headers.CacheControl = cache.CacheControl;
        response.Headers.ETag = cached.ETag;
        if (ResultsApi.Matches(request.Headers.IfNoneMatch, cached.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = "application/json";
        response.ContentLength = cached.Json.Length;
        return response.Body.WriteAsync(cached.Json).AsTask();
    }

    // "?election=<id>" and nothing else. Election ids are letters, digits and . _ - (ElectionRegistry),
    // which a URL carries as they are: the query is compared without unescaping it.
    private static bool NamesOnly(string query, string electionId) =>
        query.StartsWith(ElectionQuery, StringComparison.Ordinal) && query.AsSpan(ElectionQuery.Length).SequenceEqual(electionId);
}
