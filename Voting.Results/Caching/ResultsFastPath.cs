using Voting.Infrastructure.Elections;
using Voting.Results.Apis;

namespace Voting.Results.Caching;

/// <summary>
/// The read storm's hot path: a plain <c>GET /api/v1/results</c> (the default election's national
/// totals) whose answer is fresh in this instance's memory is written straight away, before
/// routing and endpoint binding. Anything else — another path, a query, a stale entry — goes down
/// the normal pipeline, which fills the cache.
/// </summary>
public sealed class ResultsFastPath(RequestDelegate next, ResultsCache cache, ElectionRegistry elections)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || request.QueryString.HasValue || request.Path != "/api/v1/results"
            || elections.Default is not { } election || cache.TryGetFresh(ResultsApi.CacheKey(election.Id, ResultsApi.NationalArea)) is not { } cached)
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
}
