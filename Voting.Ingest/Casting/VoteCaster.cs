using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Redis;

namespace Voting.Ingest.Casting;

/// <summary>
/// The write path's entry: each cast attempt joins a queue, and a few workers take what has
/// gathered there as one batch for <see cref="VoteBatchCaster"/>. An idle worker takes a lone
/// attempt at once, so batching adds no wait when the load is light; under load a batch is
/// whatever arrived during the previous one, so round trips to Redis and Kafka are paid per batch
/// instead of per vote.
/// </summary>
public sealed class VoteCaster : IAsyncDisposable
{
    private static readonly TimeSpan FilterRetryInterval = TimeSpan.FromMilliseconds(100);

    private readonly ElectionRegistry elections;
    private readonly VoteBatchCaster batchCaster;
    private readonly VoterGate gate;
    private readonly VoterFilterRebuilder filterRebuilder;
    private readonly IngestMetrics metrics;
    private readonly TimeProvider clock;
    private readonly IngestOptions settings;
    private readonly Channel<PendingVote> queue;
    private readonly Task[] workers;
    private volatile bool closing;

    public VoteCaster(
        ElectionRegistry elections,
        VoteBatchCaster batchCaster,
        VoterGate gate,
        VoterFilterRebuilder filterRebuilder,
        IOptions<IngestOptions> options,
        IngestMetrics metrics,
        TimeProvider clock)
    {
        this.elections = elections;
        this.batchCaster = batchCaster;
        this.gate = gate;
        this.filterRebuilder = filterRebuilder;
        this.metrics = metrics;
        this.clock = clock;
        settings = options.Value;
        queue = Channel.CreateBounded<PendingVote>(new BoundedChannelOptions(settings.MaxQueuedVotes) { FullMode = BoundedChannelFullMode.Wait });
        workers = Enumerable.Range(0, settings.BatchesInFlight).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>
    /// Casts the voter's ballot. With an <paramref name="idempotencyKey"/> the ballot is the one every
    /// retry with that key casts (see <see cref="Voting.Core.Ballots.IdempotencyKey"/>): if an earlier
    /// attempt reached Kafka but its answer was lost, the retry's receipt is still the ballot that counts.
    /// Once queued, an attempt is carried through even if the caller stops waiting.
    /// </summary>
    public async Task<CastOutcome> CastAsync(string electionId, string voterId, string state, string candidate, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var voter = new VoterKey(electionId, elections.Pseudonym(electionId, voterId));
        var ballotId = idempotencyKey is null ? null : elections.IdempotentBallotId(electionId, voter.Pseudonym, idempotencyKey);
        var outcome = await SubmitAsync(voter, state, candidate, ballotId);
        if (outcome is not CastOutcome.FilterRebuilding)
        {
            return outcome;
        }

        // First start, or Redis lost its data: wait a little for the filter to become usable.
        filterRebuilder.Nudge(electionId);
        var patience = clock.GetUtcNow().AddMilliseconds(settings.FilterRebuildWaitMilliseconds);
        while (outcome is CastOutcome.FilterRebuilding && clock.GetUtcNow() < patience)
        {
            await Task.Delay(FilterRetryInterval, clock, cancellationToken);
            outcome = await SubmitAsync(voter, state, candidate, ballotId);
        }

        if (outcome is not CastOutcome.FilterRebuilding)
        {
            return outcome;
        }

        metrics.Refuse("filter_rebuilding");
        return new CastOutcome.Unavailable("the duplicate filter is being rebuilt (first start, or Redis lost its data); try again shortly");
    }

    /// <summary>
    /// Counts an attempt refused before casting (a malformed or invalid ballot) against the voter's
    /// attempt limit: null while within it (or when it can't be counted), else how long until the
    /// voter may try again. The refusal stands either way; only its status changes.
    /// </summary>
    public async Task<TimeSpan?> CountRefusedAttemptAsync(string electionId, string voterId)
    {
        if (elections.Find(electionId) is null)
        {
            return null;
        }

        try
        {
            return await gate.CountAttemptAsync(new VoterKey(electionId, elections.Pseudonym(electionId, voterId)), settings.AttemptLimit);
        }
        catch (Exception e) when (RedisFailure.Is(e))
        {
            return null; // the refusal is answered anyway; the client limit still applies
        }
    }

    /// <summary>Lets the workers finish every queued attempt; attempts arriving after this are refused as unavailable.</summary>
    public async ValueTask DisposeAsync()
    {
        closing = true;
        queue.Writer.TryComplete();
        await Task.WhenAll(workers);
    }

    private Task<CastOutcome> SubmitAsync(VoterKey voter, string state, string candidate, byte[]? ballotId)
    {
        var vote = new PendingVote(voter, state, candidate, ballotId);
        if (queue.Writer.TryWrite(vote))
        {
            return vote.Outcome;
        }

        if (closing)
        {
            return Task.FromResult<CastOutcome>(new CastOutcome.Unavailable("the service is shutting down"));
        }

        metrics.Refuse("overloaded");
        return Task.FromResult<CastOutcome>(new CastOutcome.Unavailable(
            $"this instance has {settings.MaxQueuedVotes} votes waiting to be recorded; try again shortly"));
    }

    private async Task WorkAsync()
    {
        var reader = queue.Reader;
        var batch = new List<PendingVote>(settings.BatchSize);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < settings.BatchSize && reader.TryRead(out var vote))
            {
                batch.Add(vote);
            }

            if (batch.Count > 0)
            {
                metrics.BatchSize.Record(batch.Count);
                await batchCaster.CastAsync(batch);
                batch.Clear();
            }
        }
    }
}
