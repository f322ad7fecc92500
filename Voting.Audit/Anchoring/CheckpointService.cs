using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nethereum.JsonRpc.Client;
using Voting.Audit.Logs;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.Infrastructure.Elections;
using Voting.Infrastructure.Hosting;
using Voting.Infrastructure.Storage;

namespace Voting.Audit.Anchoring;

/// <summary>
/// Every <see cref="AuditOptions.CheckpointIntervalSeconds"/>: takes a checkpoint of each
/// election's log if it grew, and anchors queued checkpoints on chain strictly in order of size.
/// While the chain is unreachable checkpoints stay queued (with the error recorded) and are
/// anchored in order once it is back; nothing is skipped. A log that no longer holds what its newest
/// checkpoint (in the log database, or on chain) said — leaves removed or rewritten — gets no further
/// checkpoint or anchor (<see cref="LogIntegrity"/>): its new root would put a rewritten history on
/// chain after the true one.
/// An anchor counts once its block has <see cref="ChainOptions.ConfirmationBlocks"/> blocks on top:
/// until then its transaction is looked up again every <see cref="AuditOptions.AnchorRetrySeconds"/>,
/// and a checkpoint whose anchor a reorganisation undid is queued again and re-anchored in order.
/// </summary>
public sealed partial class CheckpointService(
    ElectionRegistry elections,
    MerkleTreeCache trees,
    CheckpointStore checkpoints,
    MerkleLogReservations reservations,
    AnchorContractLocator contracts,
    ChainClientFactory chain,
    LogIntegrity integrity,
    SchemaState schema,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    ILogger<CheckpointService> logger) : BackgroundService
{
    private readonly AuditOptions settings = options.Value;

    // Each election's anchor transaction in flight and since when (one at a time: anchors go in order).
    private readonly ConcurrentDictionary<string, (string Transaction, DateTimeOffset Since)> inFlight = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (schema.Pending().Count > 0)
        {
            await Task.Delay(200, stoppingToken);
        }

        var nextCheckpoint = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (clock.GetUtcNow() >= nextCheckpoint)
            {
                nextCheckpoint = clock.GetUtcNow().AddSeconds(settings.CheckpointIntervalSeconds);
                foreach (var election in elections.All)
                {
                    await CheckpointAsync(election.Id, stoppingToken);
                }
            }

            var queued = false;
            foreach (var election in elections.All)
            {
                queued |= !await AnchorQueuedAsync(election.Id, stoppingToken);
            }

            var wait = nextCheckpoint - clock.GetUtcNow();
            if (queued)
            {
                wait = TimeSpan.FromSeconds(Math.Min(wait.TotalSeconds, settings.AnchorRetrySeconds));
            }

            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, stoppingToken);
        }
    }

    /// <summary>
    /// Takes a checkpoint now if the log grew since the newest one and still holds it; returns the
    /// log's size, or -1 when no checkpoint could be taken (an error, or a log that departs from the
    /// newest checkpoint: <see cref="LogIntegrity"/>). First releases the log ranges whose appender is gone
    /// (<see cref="MerkleLogReservations.ReleaseAbandonedAsync(string, CancellationToken)"/>): otherwise a processor that crashed
    /// mid-append and got no more votes afterwards would hold the log's size, and every checkpoint,
    /// below its range.
    /// </summary>
    public async Task<long> CheckpointAsync(string electionId, CancellationToken cancellationToken)
    {
        try
        {
            if (await reservations.ReleaseAbandonedAsync(electionId, cancellationToken) is var released and > 0)
            {
                LogReleased(logger, electionId, released);
            }

            var latest = await checkpoints.LatestAsync(electionId, cancellationToken);
            var (size, root, broken) = await trees.WithTreeAsync(
                electionId,
                tree => (tree.Size, tree.Root, latest is null ? null : LogContinuity.Break(tree, latest.TreeSize, latest.Root, $"the newest checkpoint (size {latest.TreeSize}, taken {latest.CreatedAt:u})")),
                cancellationToken);
            if (broken is not null)
            {
                if (integrity.Report(electionId, LogIntegrity.Stage.Checkpoint, broken))
                {
                    LogBroken(logger, electionId, "checkpointed", broken);
                }

                return -1;
            }

            if (integrity.Clear(electionId, LogIntegrity.Stage.Checkpoint))
            {
                LogWhole(logger, electionId);
            }

            if (size > 0 && size > (latest?.TreeSize ?? 0))
            {
                await checkpoints.AddAsync(electionId, size, root, clock.GetUtcNow().UtcDateTime, cancellationToken);
                LogCheckpoint(logger, electionId, size, Convert.ToHexStringLower(root));
            }

            return size;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckpointFailed(logger, electionId, e.Message);
            return -1;
        }
    }

    /// <summary>
    /// Confirms the election's mined anchors (<see cref="ConfirmAsync"/>), then anchors its queued
    /// checkpoints in order; false when some remain queued or not final yet.
    /// </summary>
    public async Task<bool> AnchorQueuedAsync(string electionId, CancellationToken cancellationToken)
    {
        List<Checkpoint> queued;
        bool confirming;
        try
        {
            confirming = !await ConfirmAsync(electionId, cancellationToken);
            queued = await checkpoints.QueuedAsync(electionId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAnchorFailed(logger, electionId, 0, e.Message);
            return false;
        }

        foreach (var checkpoint in queued)
        {
            try
            {
                var client = await contracts.GetAsync(cancellationToken);
                if (await AnchorOnceAsync(client, electionId, checkpoint, cancellationToken) is not { } transaction)
                {
                    return false; // held back, the reason recorded: in order, nothing after it
                }

                inFlight.TryRemove(electionId, out _); // a reorganisation that puts it back in a pool starts its wait afresh
                var now = clock.GetUtcNow().UtcDateTime;
                var final = chain.Options.ConfirmationBlocks == 0;
                await checkpoints.MarkAnchoredAsync(
                    electionId, checkpoint.TreeSize, transaction.TransactionHash, transaction.BlockNumber, now, final ? now : null, cancellationToken);
                LogAnchored(logger, electionId, checkpoint.TreeSize, transaction.TransactionHash, transaction.BlockNumber, chain.Options.ConfirmationBlocks);
                confirming |= !final;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = ChainErrors.Describe(e);
                LogAnchorFailed(logger, electionId, checkpoint.TreeSize, error);
                contracts.Forget();
                try
                {
                    await checkpoints.MarkFailedAsync(electionId, checkpoint.TreeSize, error, cancellationToken);
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    LogAnchorFailed(logger, electionId, checkpoint.TreeSize, inner.Message);
                }

                return false; // in order: nothing after a checkpoint that isn't anchored yet
            }
        }

        return !confirming;
    }

    /// <summary>
    /// Looks up the transactions of the election's mined, not yet final anchors: marks final each whose
    /// block has <see cref="ChainOptions.ConfirmationBlocks"/> blocks on top, and queues again each the
    /// chain no longer holds (a reorganisation undid its block; the checkpoint is then anchored again, in
    /// order, by the next <see cref="AnchorQueuedAsync"/>). True when none is left waiting. A checkpoint
    /// whose lookup fails stays waiting; the others are looked up all the same.
    /// </summary>
    public async Task<bool> ConfirmAsync(string electionId, CancellationToken cancellationToken)
    {
        var confirming = await checkpoints.ConfirmingAsync(electionId, cancellationToken);
        if (confirming.Count == 0)
        {
            return true;
        }

        CheckpointAnchorClient client;
        try
        {
            client = await contracts.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogConfirmFailed(logger, electionId, confirming[0].TreeSize, ChainErrors.Describe(e));
            contracts.Forget();
            return false;
        }

        var waiting = false;
        foreach (var checkpoint in confirming)
        {
            try
            {
                waiting |= !await ConfirmOneAsync(client, electionId, checkpoint, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogConfirmFailed(logger, electionId, checkpoint.TreeSize, ChainErrors.Describe(e));
                waiting = true;
            }
        }

        return !waiting;
    }

    /// <summary>One mined anchor looked up again; true once it is final.</summary>
    private async Task<bool> ConfirmOneAsync(CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        var transaction = checkpoint.TransactionHash!;
        var depth = chain.Options.ConfirmationBlocks;
        if (await client.MinedAsync(transaction) is { } mined)
        {
            if (mined.BlocksOnTop < depth)
            {
                return false;
            }

            await checkpoints.MarkFinalAsync(electionId, checkpoint.TreeSize, transaction, mined.BlockNumber, clock.GetUtcNow().UtcDateTime, cancellationToken);
            LogFinal(logger, electionId, checkpoint.TreeSize, transaction, mined.BlockNumber, mined.BlocksOnTop);
            return true;
        }

        // No receipt: the block is gone, or the node no longer indexes the transaction. The contract's
        // own record says whether, where and by which transaction the checkpoint is anchored now (another
        // of ours may have anchored it in the new branch).
        if (await client.FindAnchorTransactionAsync(electionId, checkpoint.TreeSize, checkpoint.Root) is { } onChain)
        {
            var blocksOnTop = await client.BlockNumberAsync() - onChain.BlockNumber;
            var final = blocksOnTop >= depth;
            if (final || onChain.TransactionHash != transaction || onChain.BlockNumber != checkpoint.BlockNumber)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                await checkpoints.MarkAnchoredAsync(
                    electionId, checkpoint.TreeSize, onChain.TransactionHash, onChain.BlockNumber, checkpoint.AnchoredAt ?? now, final ? now : null, cancellationToken);
            }

            if (final)
            {
                LogFinal(logger, electionId, checkpoint.TreeSize, onChain.TransactionHash, onChain.BlockNumber, blocksOnTop);
            }

            return final;
        }

        var reason = $"Anchor transaction {transaction} (block {checkpoint.BlockNumber}) is no longer on chain: a reorganisation undid it before it was {depth} blocks deep. Queued again.";
        await checkpoints.RequeueAsync(electionId, checkpoint.TreeSize, transaction, reason, cancellationToken);
        LogUndone(logger, electionId, checkpoint.TreeSize, transaction, checkpoint.BlockNumber ?? 0);
        return false;
    }

    /// <summary>
    /// Why no checkpoint may be sent now, or null: the chain's newest checkpoint of the election must be
    /// at least the newest anchor still waiting for confirmations. Less means a reorganisation undid
    /// it before <see cref="ConfirmAsync"/> saw that; anchoring a larger size now would leave it out of
    /// the chain's log for good (sizes only grow there). The next <see cref="ConfirmAsync"/> queues it again.
    /// </summary>
    private async Task<string?> UndoneBeforeAnchoringAsync(
        string electionId, Checkpoint checkpoint, AnchoredCheckpoint? newestOnChain, CancellationToken cancellationToken)
    {
        if ((await checkpoints.ConfirmingAsync(electionId, cancellationToken)).LastOrDefault() is not { } mined || mined.TreeSize >= checkpoint.TreeSize)
        {
            return null;
        }

        var newest = (long)(newestOnChain?.TreeSize ?? 0);
        return newest >= mined.TreeSize
            ? null
            : $"the chain's newest checkpoint has size {newest}, below the anchor of size {mined.TreeSize} mined in {mined.TransactionHash} and not final yet: a reorganisation undid it, and it is queued again first";
    }

    /// <summary>
    /// Why <paramref name="checkpoint"/> must not be anchored after the newest checkpoint the chain
    /// holds for the election, or null: the log (as this service read it) must still give the chain's
    /// newest root at that size, and the queued checkpoint's own root at its size. A checkpoint the
    /// chain already holds or passed is left to <see cref="AnchorOnceAsync"/>.
    /// </summary>
    private async Task<string?> BreakBeforeAnchoringAsync(
        string electionId, Checkpoint checkpoint, AnchoredCheckpoint? newest, CancellationToken cancellationToken)
    {
        if (newest is not null && (long)newest.TreeSize >= checkpoint.TreeSize)
        {
            return null;
        }

        return await trees.WithTreeAsync(
            electionId,
            tree => (newest is null ? null : LogContinuity.Break(tree, (long)newest.TreeSize, newest.Root, $"the newest checkpoint on chain (size {newest.TreeSize})"))
                ?? LogContinuity.Break(tree, checkpoint.TreeSize, checkpoint.Root, $"the queued checkpoint of size {checkpoint.TreeSize}"),
            cancellationToken);
    }

    /// <summary>
    /// Anchors a queued checkpoint, or returns null when it must wait (the reason recorded as its error):
    /// an earlier attempt's anchor found on chain (one that failed after sending: a timeout, a crash, the
    /// database down while it was mined) is taken as it is; a transaction sent before and still held by
    /// the node is waited for, never doubled (replaced by one with its nonce offering more, when an
    /// attempt gave up waiting for it unmined); one recorded as sent that the node does not hold is sent
    /// again as signed; otherwise a new one is sent, once the log still holds what
    /// the chain holds and no mined anchor is missing from the chain.
    /// </summary>
    private async Task<AnchorTransaction?> AnchorOnceAsync(
        CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.LastError is not null && await client.FindAnchorTransactionAsync(electionId, checkpoint.TreeSize, checkpoint.Root) is { } earlier)
        {
            return earlier;
        }

        if (checkpoint.PendingTransaction is { } pending && await client.SentAsync(pending) is { } held)
        {
            // Still in the node's pool after an attempt gave up on it, ReceiptTimeoutSeconds after it
            // was sent (as this process knows: after a restart it is given that long again): the chain
            // asks more than it offers. The same anchor with the same nonce, offering more, takes its
            // place; whichever of the two is mined is the anchor.
            if (!held.Mined && checkpoint.LastError is not null && UnminedFor(electionId, pending) >= TimeSpan.FromSeconds(chain.Options.ReceiptTimeoutSeconds))
            {
                return await ReplaceAsync(client, electionId, checkpoint, held, cancellationToken);
            }

            return await WaitAsync(client, electionId, checkpoint, pending, cancellationToken);
        }

        // The nonce is read before the checks: a reorganisation that undoes an earlier anchor after them
        // then leaves a gap this transaction waits behind until that anchor is sent again, instead of
        // letting it take that anchor's place (sizes only grow on chain: it could never be anchored then).
        var nonce = await client.NextNonceAsync();
        var newestOnChain = await client.NewestAsync(electionId);
        if (await UndoneBeforeAnchoringAsync(electionId, checkpoint, newestOnChain, cancellationToken) is { } undone)
        {
            LogAnchorFailed(logger, electionId, checkpoint.TreeSize, undone);
            await checkpoints.MarkFailedAsync(electionId, checkpoint.TreeSize, "Not anchored yet: " + undone, cancellationToken);
            return null;
        }

        if (await BreakBeforeAnchoringAsync(electionId, checkpoint, newestOnChain, cancellationToken) is { } broken)
        {
            if (integrity.Report(electionId, LogIntegrity.Stage.Anchor, broken))
            {
                LogBroken(logger, electionId, "anchored", broken);
            }

            await checkpoints.MarkFailedAsync(electionId, checkpoint.TreeSize, "Not anchored: " + broken, cancellationToken);
            return null;
        }

        if (integrity.Clear(electionId, LogIntegrity.Stage.Anchor))
        {
            LogWhole(logger, electionId);
        }

        // The chain holds this size or more already: anchored before (by an attempt whose outcome went
        // unrecorded) it is taken as it is; otherwise the chain's log is ahead of the log database, and
        // any anchor sent now would only revert, attempt after attempt.
        if (newestOnChain is not null && (long)newestOnChain.TreeSize >= checkpoint.TreeSize)
        {
            if (await client.FindAnchorTransactionAsync(electionId, checkpoint.TreeSize, checkpoint.Root) is { } already)
            {
                return already;
            }

            var ahead = $"the chain's newest checkpoint of this election has size {newestOnChain.TreeSize}, at least this one's, but the chain holds no checkpoint of size {checkpoint.TreeSize}: its log is ahead of the log database (another service anchoring with this account, or a database restored from an older state)";
            LogAnchorFailed(logger, electionId, checkpoint.TreeSize, ahead);
            await checkpoints.MarkFailedAsync(electionId, checkpoint.TreeSize, "Not anchored: " + ahead, cancellationToken);
            return null;
        }

        // The contract takes anchors from its owner only: another account's would revert, attempt after attempt.
        if (await client.OwnerAsync() is var owner && !string.Equals(owner, client.SigningAddress, StringComparison.OrdinalIgnoreCase))
        {
            var notOwner = $"the anchor contract {client.ContractAddress} is owned by {owner}, and Voting:Chain:AnchorPrivateKey signs as {client.SigningAddress}: configure the owner's key, or another contract";
            LogAnchorFailed(logger, electionId, checkpoint.TreeSize, notOwner);
            await checkpoints.MarkFailedAsync(electionId, checkpoint.TreeSize, "Not anchored: " + notOwner, cancellationToken);
            return null;
        }

        // Recorded, and the node does not hold it: never sent (a crash between recording and sending) or
        // lost on the way. Sent again with its nonce while that nonce is still the account's: a new
        // transaction would take the next nonce and wait behind the one this was to replace, if that one
        // is still in the pool. Once per process: one this process sent that the node dropped since is
        // followed by a new transaction.
        if (checkpoint is { PendingTransaction: { } recordedHash, PendingRaw: { } raw } && !SentByThisProcess(electionId, recordedHash)
            && await SendAgainAsync(client, electionId, checkpoint, new SignedAnchor(recordedHash, raw), nonce, cancellationToken) is { } inFlightNow)
        {
            return await WaitAsync(client, electionId, checkpoint, inFlightNow, cancellationToken);
        }

        // Recorded before it is sent: a node that took it while its answer was lost (or this process
        // crashed) leaves it in flight as recorded, waited for and replaced, never doubled.
        var signed = await SignAsync(client, electionId, checkpoint, nonce, cancellationToken, newestOnChain: newestOnChain);
        await checkpoints.SetPendingAsync(electionId, checkpoint.TreeSize, signed.TransactionHash, signed.Raw, cancellationToken);
        SentNow(electionId, signed.TransactionHash);
        await client.SendSignedAsync(signed);
        return await WaitAsync(client, electionId, checkpoint, signed.TransactionHash, cancellationToken);
    }

    /// <summary>
    /// Replaces <paramref name="sent"/>, left unmined, by the same anchor with its nonce and a higher fee,
    /// and waits for that; at the fee cap there is no higher fee, and <paramref name="sent"/> is waited for again.
    /// </summary>
    private async Task<AnchorTransaction> ReplaceAsync(
        CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, SentTransaction sent, CancellationToken cancellationToken)
    {
        if (await client.ReplacementFeeAsync(sent) is not { } higher)
        {
            try
            {
                return await WaitAsync(client, electionId, checkpoint, sent.TransactionHash, cancellationToken);
            }
            catch (TimeoutException timeout)
            {
                throw new TimeoutException(
                    $"{timeout.Message} It offers {sent.Fee}, and Voting:Chain:MaxFeePerGasGwei ({AnchorFee.Gwei(client.MaxFeePerGas ?? 0)} gwei) leaves no higher fee a node would take in its place: raise that cap to have it replaced.",
                    timeout);
            }
        }

        var replacement = await SignAsync(client, electionId, checkpoint, sent.Nonce, cancellationToken, higher);
        await checkpoints.SetPendingAsync(electionId, checkpoint.TreeSize, replacement.TransactionHash, replacement.Raw, cancellationToken);
        try
        {
            await client.SendSignedAsync(replacement);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Refused (the one it replaces was mined meanwhile, or the node wants more) or lost on the
            // way (no answer): unless the node holds the replacement (it may answer "already known"), the
            // one it replaces stays in flight.
            if (await HoldsQuietlyAsync(client, replacement.TransactionHash) == false)
            {
                await checkpoints.SetPendingAsync(electionId, checkpoint.TreeSize, sent.TransactionHash, checkpoint.PendingRaw, CancellationToken.None);
            }

            throw;
        }

        SentNow(electionId, replacement.TransactionHash);
        LogReplaced(logger, electionId, checkpoint.TreeSize, sent.TransactionHash, sent.Fee.ToString(), replacement.TransactionHash, higher.ToString());
        return await WaitAsync(client, electionId, checkpoint, replacement.TransactionHash, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="recorded"/>, the checkpoint's transaction in flight that the node does not
    /// hold, again, and returns the transaction in flight then; null when its nonce is no longer the
    /// account's to use — taken by a mined transaction (the one it was to replace, or another), or past
    /// <paramref name="nextNonce"/> (a transaction below it was dropped) — and a new transaction is to be
    /// sent instead. Refused with its nonce still the account's (it offers less than the chain asks now,
    /// or than a transaction with that nonce still in the pool), the same anchor with that nonce offering
    /// more is recorded and sent in its place.
    /// </summary>
    private async Task<string?> SendAgainAsync(
        CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, SignedAnchor recorded, long nextNonce, CancellationToken cancellationToken)
    {
        var (nonce, fee) = CheckpointAnchorClient.Decode(recorded);
        var mined = await client.MinedNonceCountAsync();
        if (nonce < mined || nonce > nextNonce)
        {
            LogNotSentAgain(logger, electionId, checkpoint.TreeSize, recorded.TransactionHash, nonce < mined
                ? $"its nonce {nonce} is taken by a mined transaction"
                : $"its nonce {nonce} is past the account's next, {nextNonce}: a transaction before it was dropped");
            return null;
        }

        try
        {
            await client.SendSignedAsync(recorded);
        }
        catch (RpcResponseException refused)
        {
            if (await HoldsQuietlyAsync(client, recorded.TransactionHash) == true)
            {
                SentNow(electionId, recorded.TransactionHash);
                return recorded.TransactionHash; // it reached the node meanwhile ("already known")
            }

            var higher = await client.ReplacementFeeAsync(new SentTransaction(recorded.TransactionHash, nonce, fee, Mined: false))
                ?? throw new InvalidOperationException(
                    $"Anchor transaction {recorded.TransactionHash} (nonce {nonce}, {fee}), recorded as sent and not held by the node, was refused when sent again ({refused.Message}), " +
                    $"and Voting:Chain:MaxFeePerGasGwei ({AnchorFee.Gwei(client.MaxFeePerGas ?? 0)} gwei) leaves no higher fee: raise that cap.",
                    refused);

            // Recorded before it is sent, as every anchor transaction: refused or lost in turn, it is sent
            // again (or raised again) at the next attempt.
            var raised = await SignAsync(client, electionId, checkpoint, nonce, cancellationToken, higher);
            await checkpoints.SetPendingAsync(electionId, checkpoint.TreeSize, raised.TransactionHash, raised.Raw, cancellationToken);
            try
            {
                await client.SendSignedAsync(raised);
            }
            catch (RpcResponseException)
            {
                // "already known" is no refusal: the same transaction is in the pool (the raise came to exactly what it offers).
                if (await HoldsQuietlyAsync(client, raised.TransactionHash) != true)
                {
                    throw;
                }
            }

            SentNow(electionId, raised.TransactionHash);
            LogReplaced(logger, electionId, checkpoint.TreeSize, recorded.TransactionHash, fee.ToString(), raised.TransactionHash, higher.ToString());
            return raised.TransactionHash;
        }

        SentNow(electionId, recorded.TransactionHash);
        LogSentAgain(logger, electionId, checkpoint.TreeSize, recorded.TransactionHash);
        return recorded.TransactionHash;
    }

    /// <summary>
    /// The checkpoint's anchor, signed with <paramref name="nonce"/>, offering <paramref name="fee"/> (else
    /// what the chain asks), with the consistency proof the contract asks of it: from the election's newest
    /// checkpoint on chain (<paramref name="newestOnChain"/> when already read) to this one, taken from
    /// the log. None when the chain holds none, or already this size or more (the contract refuses the
    /// anchor for its size then, and <see cref="WaitAsync"/> takes the chain's own anchor of it).
    /// </summary>
    private async Task<SignedAnchor> SignAsync(
        CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, long nonce, CancellationToken cancellationToken,
        AnchorFee? fee = null, AnchoredCheckpoint? newestOnChain = null)
    {
        newestOnChain ??= await client.NewestAsync(electionId);
        var from = (long)(newestOnChain?.TreeSize ?? 0);
        var consistency = from is > 0 && from < checkpoint.TreeSize
            ? await trees.WithTreeAsync(electionId, tree => tree.ConsistencyProof(from, checkpoint.TreeSize), cancellationToken)
            : [];
        return await client.SignAnchorAsync(
            electionId, checkpoint.TreeSize, checkpoint.Root, consistency, new DateTimeOffset(checkpoint.CreatedAt, TimeSpan.Zero), nonce, fee);
    }

    /// <summary>Whether the node holds <paramref name="transaction"/>; null when it can't be asked either.</summary>
    private static async Task<bool?> HoldsQuietlyAsync(CheckpointAnchorClient client, string transaction)
    {
        try
        {
            return await client.SentAsync(transaction) is not null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>How long <paramref name="transaction"/>, the election's anchor in flight, has been so, as far as this process knows.</summary>
    private TimeSpan UnminedFor(string electionId, string transaction)
    {
        var now = clock.GetUtcNow();
        var entry = inFlight.AddOrUpdate(electionId, _ => (transaction, now), (_, known) => known.Transaction == transaction ? known : (transaction, now));
        return now - entry.Since;
    }

    private void SentNow(string electionId, string transaction) => inFlight[electionId] = (transaction, clock.GetUtcNow());

    private bool SentByThisProcess(string electionId, string transaction) =>
        inFlight.TryGetValue(electionId, out var known) && known.Transaction == transaction;

    /// <summary>
    /// Waits for an anchor transaction; one mined without anchoring (the contract refused it, or it went to
    /// a contract used before) is taken for the anchor the chain already holds of that size, if it holds
    /// one, and is otherwise forgotten as the checkpoint's transaction in flight: the next attempt signs a
    /// new one, with a consistency proof from what the chain holds then.
    /// </summary>
    private async Task<AnchorTransaction> WaitAsync(
        CheckpointAnchorClient client, string electionId, Checkpoint checkpoint, string transaction, CancellationToken cancellationToken)
    {
        try
        {
            return await client.WaitForAnchorAsync(transaction, electionId, checkpoint.TreeSize, cancellationToken);
        }
        catch (AnchorRefusedException refused)
        {
            if (await client.FindAnchorTransactionAsync(electionId, checkpoint.TreeSize, checkpoint.Root) is { } held)
            {
                return held;
            }

            await checkpoints.ClearPendingAsync(electionId, checkpoint.TreeSize, transaction, cancellationToken);
            throw new InvalidOperationException(
                refused.Message + " The chain holds no checkpoint of that size (the consistency proof it carried no longer held against the chain's newest checkpoint, " +
                "which a reorganisation or a replaced transaction can change); a new anchor is signed at the next attempt.", refused);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint of {Election}: size {Size}, root {Root}")]
    private static partial void LogCheckpoint(ILogger logger, string election, long size, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log of {Election}: {Leaves} positions reserved by an appender that is gone were released, handed back or filled with void leaves (it crashed or lost its database session; its ballots are appended again when its batch is replayed)")]
    private static partial void LogReleased(ILogger logger, string election, long leaves);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint of {Election} failed: {Error}")]
    private static partial void LogCheckpointFailed(ILogger logger, string election, string error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The log of {Election} departs from its checkpoints; nothing more of it is {Stage} until it holds again. Run an audit of the election. {Problem}")]
    private static partial void LogBroken(ILogger logger, string election, string stage, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log of {Election} holds its checkpoints again; checkpointing and anchoring go on")]
    private static partial void LogWhole(ILogger logger, string election);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchor of {Election} at size {Size} mined: transaction {Transaction}, block {Block}; it counts once {Depth} blocks are on top")]
    private static partial void LogAnchored(ILogger logger, string election, long size, string transaction, long block, int depth);

    [LoggerMessage(Level = LogLevel.Information, Message = "Anchor of {Election} at size {Size} is final: transaction {Transaction}, block {Block}, {Depth} blocks on top")]
    private static partial void LogFinal(ILogger logger, string election, long size, string transaction, long block, long depth);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor of {Election} at size {Size} was undone by a reorganisation of the chain (transaction {Transaction}, block {Block}); queued to be anchored again")]
    private static partial void LogUndone(ILogger logger, string election, long size, string transaction, long block);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Confirming the anchor of {Election} at size {Size} failed, tried again shortly: {Error}")]
    private static partial void LogConfirmFailed(ILogger logger, string election, long size, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor of {Election} at size {Size}: transaction {Transaction} ({Fee}) is still unmined; replaced by {Replacement}, same nonce, offering {Higher}")]
    private static partial void LogReplaced(ILogger logger, string election, long size, string transaction, string fee, string replacement, string higher);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor of {Election} at size {Size}: transaction {Transaction}, recorded as sent, is not held by the node (never sent, or lost on the way); sent again as signed")]
    private static partial void LogSentAgain(ILogger logger, string election, long size, string transaction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor of {Election} at size {Size}: transaction {Transaction}, recorded as sent and not held by the node, is not sent again: {Reason}; a new one is sent")]
    private static partial void LogNotSentAgain(ILogger logger, string election, long size, string transaction, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchoring {Election} at size {Size} failed, kept queued: {Error}")]
    private static partial void LogAnchorFailed(ILogger logger, string election, long size, string error);
}
