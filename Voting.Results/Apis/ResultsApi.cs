using System.Data.Common;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Voting.Core.Audit;
using Voting.Core.Ballots;
using Voting.Core.Elections;
using Voting.Core.Geography;
using Voting.Core.Results;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Identity;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;
using Voting.Results.Caching;
using Voting.Results.Reading;

namespace Voting.Results.Apis;

/// <summary>Results for everyone (cached, validated with ETags), a voter's own status, a receipt's status.</summary>
public static partial class ResultsApi
{
    public const string AuditClient = "audit";

    /// <summary>The area name of national totals.</summary>
    public const string NationalArea = "US";

    /// <summary>The cache key of an election's area ("US", "states" or a state code).</summary>
    public static string CacheKey(string electionId, string area) => electionId + ":" + area;

    /// <summary>
    /// True when an If-None-Match header names <paramref name="etag"/> (or is <c>*</c>), compared weakly
    /// as RFC 9110 asks for If-None-Match: <c>W/"x"</c> matches <c>"x"</c> (proxies that compress a
    /// response send its tag back weak).
    /// </summary>
    public static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        var ours = Opaque(etag);
        return ifNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == "*" || Opaque(t.Trim()) == ours));
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    public static void MapResultsApi(this IEndpointRouteBuilder app)
    {
        var results = app.MapGroup("/api/v1").WithTags("Results");
        results.MapGet("/results", (HttpContext http, string? election, ElectionRegistry elections, ResultsCache cache, TallyReader tallies, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
            ServeAsync(http, elections, election, NationalArea, cache, tallies, clock, loggers, ct)).WithName("NationalResults");
        results.MapGet("/results/states", (HttpContext http, string? election, ElectionRegistry elections, ResultsCache cache, TallyReader tallies, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
            ServeAsync(http, elections, election, "states", cache, tallies, clock, loggers, ct)).WithName("AllStatesResults");
        results.MapGet("/results/{state}", (HttpContext http, string state, string? election, ElectionRegistry elections, ResultsCache cache, TallyReader tallies, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
            UsStates.TryGet(state.ToUpperInvariant(), out _)
                ? ServeAsync(http, elections, election, state.ToUpperInvariant(), cache, tallies, clock, loggers, ct)
                : Task.FromResult<IResult>(ResultsProblems.UnknownState(state))).WithName("StateResults");
        results.MapGet("/votes/{voterId}", VoteStatusAsync).RequireAuthorization().RequireRateLimiting(LookupRateLimits.Policy).WithName("MyVote");
        results.MapGet("/receipts/{receipt}", ReceiptStatusAsync).RequireRateLimiting(LookupRateLimits.Policy).WithName("ReceiptStatus");
    }

    /// <summary>The election asked for, else the one configured (the most recently opened; before any has opened, the next to open).</summary>
    internal static ElectionDefinition? Choose(ElectionRegistry elections, string? electionId) =>
        electionId is null ? elections.Default : elections.Find(electionId);

    private static async Task<IResult> ServeAsync(
        HttpContext http, ElectionRegistry elections, string? electionId, string area, ResultsCache cache, TallyReader tallies, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Choose(elections, electionId) is not { } election)
        {
            return ResultsProblems.UnknownElection(electionId);
        }

        CachedResponse response;
        try
        {
            response = await cache.GetAsync(CacheKey(election.Id, area), async ct =>
            {
                var results = ResultsCalculator.Calculate(election, await tallies.CountsAsync(election.Id, ct), clock.GetUtcNow());
                // The candidates' counts only once the polls have closed (CandidateCountDisclosure says why).
                var withheldUntil = CandidateCountDisclosure.WithheldUntil(election, results.AsOf);
                AreaResults Published(AreaResults a) => withheldUntil is null ? a : CandidateCountDisclosure.Withhold(a);
                return area switch
                {
                    NationalArea => JsonSerializer.SerializeToUtf8Bytes(
                        new ResultsView(election.Id, results.AsOf, Published(results.National), withheldUntil), ResultsJsonContext.Default.ResultsView),
                    "states" => JsonSerializer.SerializeToUtf8Bytes(
                        new StatesView(election.Id, results.AsOf, [.. results.States.Select(Published)], withheldUntil), ResultsJsonContext.Default.StatesView),
                    _ => JsonSerializer.SerializeToUtf8Bytes(
                        new ResultsView(election.Id, results.AsOf, Published(results.States.Single(s => s.Area == area)), withheldUntil), ResultsJsonContext.Default.ResultsView),
                };
            }, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or DbException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Anyone may ask: the why (addresses, database names) goes to the log, not into the answer.
            LogTalliesUnreadable(loggers.CreateLogger(typeof(ResultsApi)), e, election.Id, area);
            return ResultsProblems.Unavailable("The tallies can't be read right now; try again shortly.");
        }

        http.Response.Headers.CacheControl = cache.CacheControl;
        http.Response.Headers.ETag = response.ETag;
        if (Matches(http.Request.Headers.IfNoneMatch, response.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(response.Json, "application/json");
    }

    private static async Task<Results<Ok<VoteStatusView>, ProblemHttpResult>> VoteStatusAsync(
        string voterId, ClaimsPrincipal user, ElectionRegistry elections, ParticipationLookup participation, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var own = user.FindFirstValue(VoterClaims.VoterId);
        var state = user.FindFirstValue(VoterClaims.State);
        var electionId = user.FindFirstValue(VoterClaims.Election);
        if (string.IsNullOrEmpty(own) || string.IsNullOrEmpty(state) || string.IsNullOrEmpty(electionId))
        {
            return ResultsProblems.Unauthenticated("The token lacks the voter, state or election claim.");
        }

        if (!string.Equals(own, voterId, StringComparison.Ordinal))
        {
            return ResultsProblems.OtherVoter();
        }

        if (elections.Find(electionId) is null)
        {
            return ResultsProblems.UnknownElection(electionId);
        }

        if (!UsStates.TryGet(state.ToUpperInvariant(), out _))
        {
            return ResultsProblems.Unauthenticated($"The token's state '{state}' is not a US state or DC.");
        }

        try
        {
            var hour = await participation.RecordedHourAsync(electionId, state.ToUpperInvariant(), elections.Pseudonym(electionId, voterId), cancellationToken);
            return TypedResults.Ok(new VoteStatusView(electionId, hour is not null, hour));
        }
        catch (MySqlException e)
        {
            LogParticipationUnreadable(loggers.CreateLogger(typeof(ResultsApi)), e);
            return ResultsProblems.Unavailable("Whether the vote is recorded can't be read right now; try again shortly.");
        }
    }

    private static async Task<Results<Ok<ReceiptStatusView>, ProblemHttpResult>> ReceiptStatusAsync(
        string receipt, MerkleLogReader log, CheckpointStore checkpoints, IHttpClientFactory httpClients, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!BallotHash.TryParseReceipt(receipt.ToLowerInvariant(), out var hash))
        {
            return ResultsProblems.MalformedReceipt();
        }

        var normalized = Convert.ToHexStringLower(hash);
        try
        {
            if (await log.FindAsync(hash, cancellationToken) is not { } found)
            {
                return TypedResults.Ok(new ReceiptStatusView(normalized, "pending", null, null, null));
            }

            var anchored = await checkpoints.LatestAnchoredAsync(found.ElectionId, cancellationToken);
            if (anchored is null || anchored.TreeSize <= found.LeafIndex)
            {
                return TypedResults.Ok(new ReceiptStatusView(normalized, "recorded", found.ElectionId, found.LeafIndex, null));
            }

            InclusionProofDocument? proof;
            try
            {
                proof = await httpClients.CreateClient(AuditClient).GetFromJsonAsync(
                    $"api/v1/audit/receipts/{normalized}/proof?treeSize={anchored.TreeSize}", ResultsJsonContext.Default.InclusionProofDocument, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TimeoutException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Anyone may ask: the answer says what is missing, not where our services live.
                return ResultsProblems.Unavailable("The audit service did not give the receipt's inclusion proof; try again shortly.");
            }

            return TypedResults.Ok(new ReceiptStatusView(normalized, "anchored", found.ElectionId, found.LeafIndex, proof));
        }
        catch (MySqlException e)
        {
            LogBallotLogUnreadable(loggers.CreateLogger(typeof(ResultsApi)), e);
            return ResultsProblems.Unavailable("The ballot log's database did not answer; try again shortly.");
        }
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "The tallies of {Election} ({Area}) could not be read")]
    private static partial void LogTalliesUnreadable(ILogger logger, Exception error, string election, string area);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ballot log could not be read for a receipt")]
    private static partial void LogBallotLogUnreadable(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A voter's participation could not be read")]
    private static partial void LogParticipationUnreadable(ILogger logger, Exception error);
}
