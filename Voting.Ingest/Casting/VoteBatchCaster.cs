using Microsoft.Extensions.Options;
using MySqlConnector;
using Polly;
using Voting.Core.Ballots;
using Voting.Core.Dedup;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>
/// One lock, two checks, three updates, for a batch of cast attempts at once:
/// lock every voter's pseudonym and check the Bloom filter and the accepted-marker (one Redis
/// script for the batch); only where the filter says "maybe" and no marker exists, check the
/// participation table; produce the admitted votes to Kafka and wait for the acknowledgements; then
/// add them to the filter, set their markers and release their locks (one Redis script). Nothing is
/// recorded anywhere before Kafka has a vote, so a failure before that leaves no trace but the lock,
/// which is released (or expires); after it the vote is durable and counted exactly once by the
/// database's unique key whatever else fails. Batching changes the number of round trips, not what
/// happens to any one voter: each attempt is settled as if it had been cast alone.
/// </summary>
public sealed partial class VoteBatchCaster(
    VoterGate gate,
    ParticipationLookup participation,
    VoteProducer producer,
    IOptions<IngestOptions> options,
    IngestMetrics metrics,
    TimeProvider clock,
    ILogger<VoteBatchCaster> logger)
{
    /// <summary>How long refusals wait for their locks' release before they are answered anyway.</summary>
    private static readonly TimeSpan LockReleaseWait = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the updates of votes Kafka has are retried after they failed.</summary>
    private static readonly TimeSpan CommitRetryFor = TimeSpan.FromMinutes(5);

    private readonly IngestOptions settings = options.Value;

    private readonly ResiliencePipeline commitRetry = StoreRetry.Create(TimeSpan.FromSeconds(5), (_, _) => { });

    /// <summary>Settles every attempt of <paramref name="votes"/>; never throws.</summary>
    public async Task CastAsync(IReadOnlyList<PendingVote> votes)
    {
        try
        {
            await CastAllAsync(votes);
        }
        catch (Exception e)
        {
            LogBatchFailed(logger, votes.Count, e);
            foreach (var vote in votes)
            {
                vote.Fail(e);
            }
        }
    }

    private async Task CastAllAsync(IReadOnlyList<PendingVote> votes)
    {
        // One lock, two checks (filter, marker): one script for the whole batch.
        VoterEntry[] entries;
        var enteredAt = clock.GetTimestamp();
        try
        {
            entries = await gate.EnterAsync(
                votes.Select(v => v.Voter).ToArray(), TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds), settings.AttemptLimit);
        }
        catch (Exception e) when (RedisFailure.Is(e))
        {
            var outcome = Unavailable(votes.Count, "redis", e);
            foreach (var vote in votes)
            {
                vote.Settle(outcome);
            }

            return;
        }

        var admitted = new List<(PendingVote Vote, HeldVoterLock Lock, VoterAdmission Admission)>(votes.Count);
        for (var i = 0; i < votes.Count; i++)
        {
            var (admission, token, retryAfter) = entries[i];
            switch (admission)
            {
                case VoterAdmission.RateLimited:
                    metrics.Refuse("voter_rate_limited");
                    votes[i].Settle(new CastOutcome.RateLimited(retryAfter));
                    break;
                case VoterAdmission.FilterRebuilding:
                    votes[i].Settle(new CastOutcome.FilterRebuilding());
                    break;
                case VoterAdmission.InProgress:
                    metrics.Refuse("in_progress");
                    votes[i].Settle(new CastOutcome.InProgress());
                    break;
                case VoterAdmission.AlreadyVoted:
                    metrics.Refuse("already_voted");
                    votes[i].Settle(new CastOutcome.AlreadyVoted());
                    break;
                default:
                    admitted.Add((votes[i], new HeldVoterLock(votes[i].Voter, token), admission));
                    break;
            }
        }

        var released = new List<HeldVoterLock>();
        // Refusals are answered only once the locks they release are gone: a client that sends again
        // at once, as one told 503 may, must find nothing of its first attempt left.
        var answers = new List<(PendingVote Vote, CastOutcome Outcome)>(admitted.Count);
        var producing = new List<(PendingVote Vote, HeldVoterLock Lock, byte[] Hash)>(admitted.Count);
        var produced = false;
        try
        {
            // The exact check, where the filter cannot say "no".
            var refusals = await ConfirmNotVotedAsync(admitted);

            // A slow exact check (a slow database, or every voter checked while the filter is rebuilt)
            // can outlast the locks: another attempt of the same voter could then take the lock, pass
            // the same check and produce a ballot of its own. Past a quarter of their lifetime the
            // locks are renewed before producing, and a voter whose lock is gone is not produced.
            var lockTtl = TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds);
            bool[]? stillHeld = null;
            if (clock.GetElapsedTime(enteredAt) > lockTtl / 4)
            {
                try
                {
                    stillHeld = await gate.KeepAsync(admitted.Select(a => a.Lock).ToArray(), lockTtl);
                }
                catch (Exception e) when (RedisFailure.Is(e))
                {
                    // Whose locks are still ours can't be told: nothing of this batch is produced.
                    released.AddRange(admitted.Select(a => a.Lock));
                    for (var i = 0; i < admitted.Count; i++)
                    {
                        if (refusals[i] is { } refusal)
                        {
                            answers.Add((admitted[i].Vote, refusal));
                        }
                    }

                    AnswerUnavailable(answers, [.. admitted.Where((_, i) => refusals[i] is null).Select(a => a.Vote)], "redis", e);
                    return;
                }
            }

            var messages = new List<VoteMessage>(admitted.Count);
            var acceptedAt = clock.GetUtcNow();
            for (var i = 0; i < admitted.Count; i++)
            {
                var (vote, held, _) = admitted[i];
                if (refusals[i] is { } refusal)
                {
                    answers.Add((vote, refusal));
                    released.Add(held);
                    continue;
                }

                if (stillHeld is not null && !stillHeld[i])
                {
                    // Not ours any more; another attempt of this voter may hold it.
                    metrics.Refuse("lock_expired");
                    LogLockExpired(logger, clock.GetElapsedTime(enteredAt).TotalMilliseconds);
                    answers.Add((vote, new CastOutcome.InProgress()));
                    continue;
                }

                var (electionId, pseudonym) = vote.Voter;
                var ballot = vote.BallotId is null
                    ? Ballot.New(electionId, vote.State, vote.Candidate)
                    : new Ballot(electionId, vote.State, vote.Candidate, vote.BallotId);
                var hash = BallotHash.Compute(ballot);
                producing.Add((vote, held, hash));
                messages.Add(new VoteMessage(
                    VoteMessage.CurrentVersion, electionId, pseudonym, vote.State, vote.Candidate, ballot.BallotId, hash, acceptedAt.ToUnixTimeMilliseconds()));
            }

            var failures = await producer.ProduceAllAsync(messages);
            produced = true;
            var durable = new List<(PendingVote Vote, HeldVoterLock Lock, byte[] Hash)>(producing.Count);
            var notDurable = new List<PendingVote>();
            var unconfirmed = new List<PendingVote>();
            for (var i = 0; i < producing.Count; i++)
            {
                if (failures[i] is null)
                {
                    durable.Add(producing[i]);
                }
                else
                {
                    (failures[i]!.MayHaveReachedKafka ? unconfirmed : notDurable).Add(producing[i].Vote);
                    released.Add(producing[i].Lock);
                }
            }

            if (notDurable.Count > 0)
            {
                AnswerUnavailable(answers, notDurable, "kafka", failures.First(f => f is { MayHaveReachedKafka: false })!);
            }

            if (unconfirmed.Count > 0)
            {
                var failure = failures.First(f => f is { MayHaveReachedKafka: true })!;
                metrics.Refused.Add(unconfirmed.Count, new KeyValuePair<string, object?>("reason", "kafka_unconfirmed"));
                LogUnconfirmed(logger, unconfirmed.Count, failure.Message);
                var outcome = new CastOutcome.Unconfirmed("Kafka did not acknowledge the vote in time");
                answers.AddRange(unconfirmed.Select(vote => (vote, (CastOutcome)outcome)));
            }

            if (durable.Count == 0)
            {
                return;
            }

            // Durable from here on. The updates make later duplicate checks refuse this voter; if they
            // fail, the database's unique key still keeps each voter to one counted ballot, and the locks
            // are kept (a retry meanwhile finds the voter busy, 409, not free to cast a second ballot that
            // would be answered 202 and never count) while the updates are tried again in the background.
            var committed = durable.Select(d => d.Lock).ToArray();
            var markerExpiresAt = AcceptedMarkerExpiry.After(acceptedAt, TimeSpan.FromMinutes(settings.AcceptedMarkerMinutes));
            try
            {
                await gate.CommitAsync(committed, markerExpiresAt);
            }
            catch (Exception e)
            {
                // Whatever failed (Redis, or the client torn down under a batch at shutdown), Kafka has
                // these votes: they are answered accepted below, never 500, and the update is retried.
                if (RedisFailure.Is(e))
                {
                    LogDuplicateDefenceDegraded(logger, durable.Count, e.Message);
                }
                else
                {
                    LogDuplicateDefenceFailed(logger, durable.Count, e);
                }

                _ = CommitLaterAsync(committed, markerExpiresAt);
            }

            metrics.Accepted.Add(durable.Count);
            foreach (var (vote, _, hash) in durable)
            {
                vote.Settle(new CastOutcome.Accepted(BallotHash.ToReceipt(hash), acceptedAt)); // durable: the answer stands whatever becomes of the lock
            }
        }
        catch when (!produced)
        {
            // Unexpected, before anything of this batch reached Kafka: nothing of it is recorded, so
            // every lock it took is freed (a refused voter's is already in the list).
            released.AddRange(admitted.Select(a => a.Lock).Except(released));
            throw;
        }
        finally
        {
            try
            {
                // Bounded: with Redis hung the refusals must not wait for its timeout (the locks expire anyway).
                await LeaveAsync(released).WaitAsync(LockReleaseWait);
            }
            catch (TimeoutException)
            {
                // Still releasing in the background; its failure is logged there.
            }
            finally
            {
                foreach (var (vote, outcome) in answers)
                {
                    vote.Settle(outcome);
                }
            }
        }
    }

    /// <summary>
    /// For each admitted voter: null when they may go on; the refusal when the record says they voted
    /// or can't be read. Only voters the filter could not clear are looked up (those it says "maybe" to,
    /// and everyone while it is rebuilt), in every state's database, one query per database: a voter
    /// registered in two states may have voted in either.
    /// </summary>
    private async Task<CastOutcome?[]> ConfirmNotVotedAsync(List<(PendingVote Vote, HeldVoterLock Lock, VoterAdmission Admission)> admitted)
    {
        var refusals = new CastOutcome?[admitted.Count];
        var unsure = Enumerable.Range(0, admitted.Count)
            .Where(i => admitted[i].Admission is VoterAdmission.MaybeVoted or VoterAdmission.Unverified)
            .ToList();
        if (unsure.Count == 0)
        {
            return refusals;
        }

        bool[] voted;
        try
        {
            // Given half the voters' lock: a database that takes longer (a server that accepts and
            // never answers holds a query until the driver's timeout, 30 s) costs these voters a 503
            // now, not a wait past their locks' life. The query left behind ends on its own.
            var lookup = participation.WhichVotedAsync(
                [.. unsure.Select(i => (admitted[i].Vote.Voter.ElectionId, admitted[i].Vote.Voter.Pseudonym))], CancellationToken.None);
            LeftBehind.Observe(lookup); // if left behind
            voted = await lookup.WaitAsync(TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds / 2));
        }
        catch (Exception e) when (e is MySqlException or TimeoutException)
        {
            var unavailable = Unavailable(unsure.Count, "mysql", e is TimeoutException
                ? new TimeoutException($"MariaDB did not answer the duplicate check within {settings.VoterLockMilliseconds / 2000.0:0.#} s")
                : e);
            foreach (var i in unsure)
            {
                refusals[i] = unavailable;
            }

            return refusals;
        }

        for (var k = 0; k < unsure.Count; k++)
        {
            var i = unsure[k];
            if (voted[k])
            {
                metrics.Refuse("already_voted");
                refusals[i] = new CastOutcome.AlreadyVoted();
            }
            else if (admitted[i].Admission == VoterAdmission.MaybeVoted)
            {
                metrics.BloomFalsePositives.Add(1);
            }
        }

        return refusals;
    }

    /// <summary>
    /// Retries the updates of votes Kafka already has (filter, markers, locks released), with the stores'
    /// backoff, for up to <see cref="CommitRetryFor"/>. The updates are idempotent, and take effect even
    /// once a lock has expired. Meanwhile the voters' locks are renewed at once and then every third of
    /// their lifetime (the retries' backoff runs longer than a lock lives), so their voters stay refused as busy.
    /// </summary>
    private async Task CommitLaterAsync(HeldVoterLock[] locks, DateTimeOffset markerExpiresAt)
    {
        var started = clock.GetTimestamp();
        using var giveUp = new CancellationTokenSource(CommitRetryFor, clock);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(giveUp.Token);
        var keeping = KeepLockedAsync(locks, done.Token);
        try
        {
            await commitRetry.ExecuteAsync(async _ => await gate.CommitAsync(locks, markerExpiresAt), giveUp.Token);
            LogCommittedLate(logger, locks.Length, clock.GetElapsedTime(started).TotalSeconds);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
            LogCommitAbandoned(logger, locks.Length, (int)CommitRetryFor.TotalMinutes);
        }
        catch (Exception e)
        {
            LogCommitRetryFailed(logger, locks.Length, e);
        }
        finally
        {
            await done.CancelAsync();
            await keeping;
        }
    }

    /// <summary>
    /// Renews <paramref name="locks"/> every third of their lifetime until <paramref name="until"/>. A
    /// lock Redis lost while it was away is not taken again: another attempt of its voter may hold it.
    /// </summary>
    private async Task KeepLockedAsync(HeldVoterLock[] locks, CancellationToken until)
    {
        var lifetime = TimeSpan.FromMilliseconds(settings.VoterLockMilliseconds);
        try
        {
            while (true)
            {
                try
                {
                    await gate.KeepAsync(locks, lifetime);
                }
                catch (Exception e) when (RedisFailure.Is(e))
                {
                    // Redis away: tried again next round; the commit's retries log the outage.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Anything else (the client torn down at shutdown): still tried again next round,
                    // never ending the renewals while the update is retried.
                    LogLockRenewalFailed(logger, locks.Length, e);
                }

                await Task.Delay(lifetime / 3, clock, until);
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            // Committed, or given up.
        }
    }

    private async Task LeaveAsync(List<HeldVoterLock> locks)
    {
        if (locks.Count == 0)
        {
            return;
        }

        try
        {
            await gate.LeaveAsync(locks);
        }
        catch (Exception e) when (RedisFailure.Is(e))
        {
            LogLocksNotReleased(logger, locks.Count, e.Message);
        }
    }

    private void AnswerUnavailable(List<(PendingVote Vote, CastOutcome Outcome)> answers, IReadOnlyList<PendingVote> votes, string dependency, Exception e)
    {
        var outcome = Unavailable(votes.Count, dependency, e);
        answers.AddRange(votes.Select(vote => (vote, (CastOutcome)outcome)));
    }

    /// <summary>Counts and logs <paramref name="count"/> votes refused at once because <paramref name="dependency"/> failed; their answer.</summary>
    private CastOutcome.Unavailable Unavailable(int count, string dependency, Exception e)
    {
        metrics.Refused.Add(count, new KeyValuePair<string, object?>("reason", dependency + "_unavailable"));
        LogUnavailable(logger, count, dependency, e.Message);
        return new CastOutcome.Unavailable($"{dependency} is unavailable");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the locks of {Count} accepted vote(s) whose filter update is retried failed; tried again")]
    private static partial void LogLockRenewalFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A voter's lock expired while the duplicate check ran ({Milliseconds:0} ms since it was taken); the attempt was answered in progress and not produced")]
    private static partial void LogLockExpired(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} vote(s) not confirmed: sent to Kafka, no acknowledgement in time ({Error}); each may still be counted")]
    private static partial void LogUnconfirmed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} vote(s) not recorded: {Dependency} unavailable ({Error})")]
    private static partial void LogUnavailable(ILogger logger, int count, string dependency, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} vote(s) accepted but the duplicate filter was not updated ({Error}); their voters stay locked while the update is retried, and the database key still guards")]
    private static partial void LogDuplicateDefenceDegraded(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} vote(s) accepted but updating the duplicate filter failed unexpectedly; their voters stay locked while the update is retried, and the database key still guards")]
    private static partial void LogDuplicateDefenceFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate filter updated for {Count} accepted vote(s) after {Seconds:F1} s of retries")]
    private static partial void LogCommittedLate(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Duplicate filter not updated for {Count} accepted vote(s) after {Minutes} min of retries; the database key still keeps each voter to one counted ballot")]
    private static partial void LogCommitAbandoned(ILogger logger, int count, int minutes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrying the duplicate filter update of {Count} accepted vote(s) failed")]
    private static partial void LogCommitRetryFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} voter lock(s) not released ({Error}); they expire by themselves")]
    private static partial void LogLocksNotReleased(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} cast attempt(s) failed unexpectedly")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception error);
}
