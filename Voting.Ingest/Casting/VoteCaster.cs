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
/// lock the voter's pseudonym and check the Bloom filter and the accepted-marker (one Redis
/// script); only if the filter says "maybe" and no marker exists, check the participation table;
/// produce to Kafka and wait for the acknowledgement; then add to the filter, set the marker and
/// release the lock (one Redis script). Nothing is recorded anywhere before Kafka has the vote,
/// so a failure before that leaves no trace but the lock, which is released (or expires); after
/// it the vote is durable and counted exactly once by the database's unique key whatever else fails.
/// </summary>
public sealed partial class VoteCaster(
    ElectionRegistry elections,
    VoterGate gate,
    VoterFilterRebuilder filterRebuilder,
    ParticipationLookup participation,
    VoteProducer producer,
    IOptions<IngestOptions> options,
    IngestMetrics metrics,
    TimeProvider clock,
    ILogger<VoteCaster> logger)
{
    private static readonly TimeSpan FilterRetryInterval = TimeSpan.FromMilliseconds(100);

    private readonly IngestOptions settings = options.Value;

    /// <summary>
    /// Casts the voter's ballot. With an <paramref name="idempotencyKey"/> the ballot is the one every
    /// retry with that key casts (see <see cref="IdempotencyKey"/>): if an earlier attempt reached Kafka
    /// but its answer was lost, the retry's receipt is still the ballot that counts.
    /// </summary>
    public async Task<CastOutcome> CastAsync(string electionId, string voterId, string state, string candidate, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var pseudonym = elections.Pseudonym(electionId, voterId);
        VoterAdmission admission;
        string token;
        try
        {
            (admission, token) = await gate.EnterAsync(electionId, pseudonym, TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds));
            if (admission == VoterAdmission.FilterRebuilding)
            {
                // First start, or Redis lost its data: wait a little for the filter to become usable.
                filterRebuilder.Nudge(electionId);
                var patience = clock.GetUtcNow().AddMilliseconds(settings.FilterRebuildWaitMilliseconds);
                while (admission == VoterAdmission.FilterRebuilding && clock.GetUtcNow() < patience)
                {
                    await Task.Delay(FilterRetryInterval, clock, cancellationToken);
                    (admission, token) = await gate.EnterAsync(electionId, pseudonym, TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds));
                }
            }
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return Unavailable("redis", e);
        }

        switch (admission)
        {
            case VoterAdmission.FilterRebuilding:
                metrics.Refuse("filter_rebuilding");
                return new CastOutcome.Unavailable("the duplicate filter is being rebuilt (first start, or Redis lost its data); try again shortly");
            case VoterAdmission.InProgress:
                metrics.Refuse("in_progress");
                return new CastOutcome.InProgress();
            case VoterAdmission.AlreadyVoted:
                metrics.Refuse("already_voted");
                return new CastOutcome.AlreadyVoted();
        }

        var committed = false;
        try
        {
            if (admission is VoterAdmission.MaybeVoted or VoterAdmission.Unverified)
            {
                if (await participation.HasVotedAsync(electionId, state, pseudonym, cancellationToken))
                {
                    metrics.Refuse("already_voted");
                    return new CastOutcome.AlreadyVoted();
                }

                if (admission == VoterAdmission.MaybeVoted)
                {
                    metrics.BloomFalsePositives.Add(1);
                }
            }

            var ballot = idempotencyKey is null
                ? Ballot.New(electionId, state, candidate)
                : Ballot.ForIdempotencyKey(electionId, state, candidate, pseudonym, idempotencyKey);
            var hash = BallotHash.Compute(ballot);
            var acceptedAt = clock.GetUtcNow();
            await producer.ProduceAsync(
                new VoteMessage(VoteMessage.CurrentVersion, electionId, pseudonym, state, candidate, ballot.BallotId, hash, acceptedAt.ToUnixTimeMilliseconds()),
                cancellationToken);

            // Durable from here on. The updates only make later duplicate checks fast; if they fail,
            // the database's unique key still keeps the voter to one counted ballot.
            try
            {
                await gate.CommitAsync(electionId, pseudonym, token, TimeSpan.FromMinutes(settings.AcceptedMarkerMinutes));
                committed = true;
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                LogDuplicateDefenceDegraded(logger, e.Message);
            }

            metrics.Accepted.Add(1);
            return new CastOutcome.Accepted(BallotHash.ToReceipt(hash), acceptedAt);
        }
        catch (VoteNotDurableException e)
        {
            return Unavailable("kafka", e);
        }
        catch (MySqlException e)
        {
            return Unavailable("mysql", e);
        }
        finally
        {
            if (!committed)
            {
                await LeaveAsync(electionId, pseudonym, token);
            }
        }
    }

    private async Task LeaveAsync(string electionId, byte[] pseudonym, string token)
    {
        try
        {
            await gate.LeaveAsync(electionId, pseudonym, token);
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            LogLockNotReleased(logger, e.Message);
        }
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
