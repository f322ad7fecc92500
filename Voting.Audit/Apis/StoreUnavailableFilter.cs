using MySqlConnector;
using Nethereum.JsonRpc.Client;
using Voting.Audit.Anchoring;

namespace Voting.Audit.Apis;

/// <summary>
/// A store or the chain out of reach while answering is a 503 saying which, not a 500. Anyone may
/// ask, so the answer never carries the error's own text (it names hosts, ports and the node's URL,
/// which may hold an API key): that goes to the log.
/// </summary>
public sealed partial class StoreUnavailableFilter(ILogger<StoreUnavailableFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (Exception e) when (Detail(e) is { } detail)
        {
            LogUnavailable(logger, e, context.HttpContext.Request.Path);
            return AuditProblems.Unavailable(detail);
        }
    }

    /// <summary>What an anonymous caller is told about <paramref name="error"/>; null for an error that is no outage.</summary>
    public static string? Detail(Exception error) => error switch
    {
        MySqlException => "A database of the ballots or their log did not answer; try again shortly.",
        AnchorContractMissingException => "The anchor contract is not on the chain node this service reads (it is behind, or on another chain); try again later.",
        AnchorContractOutdatedException => "The anchor contract does not run the code this service anchors with (an earlier version checks no consistency proofs) and waits for its operators; try again later.",
        RpcClientUnknownException or RpcClientTimeoutException => "The chain node did not answer; try again shortly.",
        // HTTP: the chain node or ClickHouse (the tallies an audit reconciles).
        HttpRequestException or TimeoutException => "The chain node or the tally store did not answer; try again shortly.",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 to {Path}: a store or the chain is out of reach")]
    private static partial void LogUnavailable(ILogger logger, Exception error, string path);
}
