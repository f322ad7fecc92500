using Microsoft.Extensions.Options;
using MySqlConnector;
using StackExchange.Redis;
using Voting.Core.Ballots;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>
/// One lock, two checks, three updates:
/// lock the voter's pseudonym; check the Bloom filter and, only if it says "maybe", the exact
/// records (the accepted-marker for votes still in Kafka, the participation table for stored ones);
/// produce to Kafka and wait for the acknowledgement; then add to the filter, set the marker and
/// release the lock. Nothing is written anywhere before Kafka has the vote, so a failure before
/// that leaves no trace; after it the vote is durable and counted exactly once by the database's
/// unique key whatever else fails.
/// </summary>
public sealed partial class VoteCaster(
    ElectionRegistry elections,
    VoterLocks locks,
    IVoterBloomFilter bloom,
    AcceptedVoteMarkers markers,
    ParticipationLookup participation,
    VoteProducer producer,
    IOptions<IngestOptions> options,
    IngestMetrics metrics,
    TimeProvider clock,
    ILogger<VoteCaster> logger)
{
    private readonly IngestOptions settings = options.Value;

    public async Task<CastOutcome> CastAsync(string electionId, string voterId, string state, string candidate, CancellationToken cancellationToken)
    {
        var pseudonym = elections.Pseudonym(electionId, voterId);
        string? lockToken;
        try
        {
            lockToken = await locks.TryAcquireAsync(electionId, pseudonym, TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds));
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return Unavailable("redis", e);
        }

        if (lockToken is null)
        {
            metrics.Refuse("in_progress");
            return new CastOutcome.InProgress();
        }

        try
        {
            return await CastLockedAsync(electionId, pseudonym, state, candidate, cancellationToken);
        }
        finally
        {
            try
            {
                await locks.ReleaseAsync(electionId, pseudonym, lockToken);
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogLockNotReleased(logger, e.Message);
            }
        }
    }

    private async Task<CastOutcome> CastLockedAsync(string electionId, byte[] pseudonym, string state, string candidate, CancellationToken cancellationToken)
    {
        try
        {
            if (await bloom.MightContainAsync(electionId, pseudonym))
            {
                if (await markers.ExistsAsync(electionId, pseudonym)
                    || await participation.HasVotedAsync(electionId, state, pseudonym, cancellationToken))
                {
                    metrics.Refuse("already_voted");
                    return new CastOutcome.AlreadyVoted();
                }

                metrics.BloomFalsePositives.Add(1);
            }
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return Unavailable("redis", e);
        }
        catch (MySqlException e)
        {
            return Unavailable("mysql", e);
        }

        var ballot = Ballot.New(electionId, state, candidate);
        var hash = BallotHash.Compute(ballot);
        var acceptedAt = clock.GetUtcNow();
        var message = new VoteMessage(VoteMessage.CurrentVersion, electionId, pseudonym, state, candidate, ballot.BallotId, hash, acceptedAt.ToUnixTimeMilliseconds());
        try
        {
            await producer.ProduceAsync(message, cancellationToken);
        }
        catch (VoteNotDurableException e)
        {
            return Unavailable("kafka", e);
        }

        // Durable from here on. These updates only make later duplicate checks fast; if they fail,
        // the database's unique key still keeps the voter to one counted ballot.
        try
        {
            await Task.WhenAll(
                bloom.AddAsync(electionId, pseudonym),
                markers.SetAsync(electionId, pseudonym, TimeSpan.FromMinutes(settings.AcceptedMarkerMinutes)));
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            LogDuplicateDefenceDegraded(logger, e.Message);
        }

        metrics.Accepted.Add(1);
        return new CastOutcome.Accepted(BallotHash.ToReceipt(hash), acceptedAt);
    }

    // RedisTimeoutException derives from TimeoutException, not RedisException.
    private static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException;

    private CastOutcome Unavailable(string dependency, Exception e)
    {
        metrics.Refuse(dependency + "_unavailable");
        LogUnavailable(logger, dependency, e.Message);
        return new CastOutcome.Unavailable($"{dependency} is unavailable");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vote not recorded: {Dependency} unavailable ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string dependency, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vote accepted but the duplicate filter was not updated ({Error}); the database key still guards")]
    private static partial void LogDuplicateDefenceDegraded(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voter lock not released ({Error}); it expires by itself")]
    private static partial void LogLockNotReleased(ILogger logger, string error);
}
