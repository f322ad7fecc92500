using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Util;
using Nethereum.Web3;

namespace Voting.Infrastructure.Chain;

/// <summary>
/// Talks to one deployed <c>CheckpointAnchor</c> contract: anchors checkpoints (signing client) and
/// reads them back (any client). Elections are keyed on chain by SHA-256 of their id (<see cref="ElectionKey"/>).
/// An anchor transaction not mined within <paramref name="receiptTimeout"/> (5 minutes unless given) is
/// given up on with a <see cref="TimeoutException"/> naming it. Anchor transactions offer what the chain
/// asks (EIP-1559: twice the newest block's base fee plus a 2 gwei tip), never more than
/// <paramref name="maxFeePerGas"/> wei per gas (unbounded unless given).
/// </summary>
public sealed class CheckpointAnchorClient(IWeb3 web3, string contractAddress, TimeSpan? receiptTimeout = null, BigInteger? maxFeePerGas = null)
{
    // Measured on Anvil: about 130,000 for a checkpoint with a 19-node consistency proof; each node
    // more costs at most about 1,500, and a log of 2^40 leaves needs at most 41 (AnchorContractConsistencyTests).
    private static readonly HexBigInteger AnchorGas = new(250_000);
    private readonly Contract contract = web3.Eth.GetContract(CheckpointAnchorContract.Abi, contractAddress);
    private string? owner;

    public string ContractAddress { get; } = contractAddress;

    /// <summary>The most an anchor transaction offers per unit of gas, in wei; null when unbounded.</summary>
    public BigInteger? MaxFeePerGas { get; } = maxFeePerGas;

    /// <summary>The bytes32 an election is known by on chain: SHA-256 of its id in UTF-8.</summary>
    public static byte[] ElectionKey(string electionId) => SHA256.HashData(Encoding.UTF8.GetBytes(electionId));

    /// <summary>Checkpoints the contract holds for the election (as of <paramref name="block"/>, else the newest block).</summary>
    public async Task<long> CountAsync(string electionId, BlockParameter? block = null) =>
        (long)await contract.GetFunction("count").CallAsync<BigInteger>(block ?? BlockParameter.CreateLatest(), ElectionKey(electionId));

    /// <summary>The election's checkpoint at <paramref name="index"/> (0-based, in anchoring order), as of <paramref name="block"/>, else the newest block.</summary>
    public Task<AnchoredCheckpoint> CheckpointAtAsync(string electionId, long index, BlockParameter? block = null) =>
        contract.GetFunction("checkpointAt").CallDeserializingToObjectAsync<AnchoredCheckpoint>(block ?? BlockParameter.CreateLatest(), ElectionKey(electionId), new BigInteger(index));

    /// <summary>The election's newest checkpoint on chain (as of <paramref name="block"/>, else the newest block), or null when it has none.</summary>
    public async Task<AnchoredCheckpoint?> NewestAsync(string electionId, BlockParameter? block = null)
    {
        var count = await CountAsync(electionId, block);
        return count == 0 ? null : await CheckpointAtAsync(electionId, count - 1, block);
    }

    /// <summary>Every checkpoint of the election, in order.</summary>
    public async Task<IReadOnlyList<AnchoredCheckpoint>> ListAsync(string electionId)
    {
        var count = await CountAsync(electionId);
        var list = new List<AnchoredCheckpoint>((int)count);
        for (var i = 0L; i < count; i++)
        {
            list.Add(await CheckpointAtAsync(electionId, i));
        }

        return list;
    }

    /// <summary>
    /// The anchored checkpoint with exactly <paramref name="treeSize"/> (binary search: sizes only grow),
    /// or null; as the contract held it at <paramref name="block"/>, else at the newest block.
    /// </summary>
    public async Task<(long Index, AnchoredCheckpoint Checkpoint)?> FindBySizeAsync(string electionId, long treeSize, BlockParameter? block = null)
    {
        long low = 0, high = await CountAsync(electionId, block) - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var checkpoint = await CheckpointAtAsync(electionId, middle, block);
            if ((long)checkpoint.TreeSize == treeSize)
            {
                return (middle, checkpoint);
            }

            if ((long)checkpoint.TreeSize < treeSize)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="proof"/> shows the tree of <paramref name="firstSize"/> leaves with root
    /// <paramref name="firstRoot"/> is the start of the one of <paramref name="secondSize"/> with root
    /// <paramref name="secondRoot"/>, as the contract judges it (it refuses an anchor whose proof from the
    /// election's previous checkpoint it judges false).
    /// </summary>
    public Task<bool> IsConsistentAsync(long firstSize, long secondSize, byte[] firstRoot, byte[] secondRoot, IReadOnlyList<byte[]> proof) =>
        contract.GetFunction("isConsistent").CallAsync<bool>((ulong)firstSize, (ulong)secondSize, firstRoot, secondRoot, proof.ToList());

    /// <summary>
    /// Anchors a checkpoint and waits for it to be mined (<see cref="NextNonceAsync"/>, <see cref="SendAnchorAsync"/>,
    /// <see cref="WaitForAnchorAsync"/>). <paramref name="consistency"/> proves the election's newest
    /// checkpoint on chain (if it has one) is the start of this one's tree. Throws when the transaction
    /// reverted (the contract refuses a size that doesn't grow, and a proof that doesn't hold), the node
    /// can't be reached, or the transaction was not mined in time (<see cref="TimeoutException"/>: it may
    /// still be mined later).
    /// </summary>
    public async Task<AnchorTransaction> AnchorAsync(
        string electionId, long treeSize, byte[] root, IReadOnlyList<byte[]> consistency, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var nonce = await NextNonceAsync();
        var transaction = await SendAnchorAsync(electionId, treeSize, root, consistency, time, nonce);
        return await WaitForAnchorAsync(transaction, electionId, treeSize, cancellationToken);
    }

    /// <summary>
    /// The nonce the anchoring account's next transaction must carry, from the chain (its transactions
    /// mined and pending). Never counted here: a count of our own would run ahead of the chain once a
    /// reorganisation undid one of our transactions or the node dropped one, and every later transaction
    /// would wait forever behind the gap.
    /// </summary>
    public async Task<long> NextNonceAsync()
    {
        var account = SigningAccount();
        return (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(account.Address, BlockParameter.CreatePending())).Value;
    }

    /// <summary>
    /// How many of the anchoring account's transactions the newest block holds: a nonce below this is
    /// taken for good (as far as the chain goes; a reorganisation may give it back).
    /// </summary>
    public async Task<long> MinedNonceCountAsync()
    {
        var account = SigningAccount();
        return (long)(await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(account.Address, BlockParameter.CreateLatest())).Value;
    }

    /// <summary>The nonce and the fee a signed anchor (an EIP-1559 transaction, as <see cref="SignAnchorAsync"/> makes them) carries.</summary>
    public static (long Nonce, AnchorFee Fee) Decode(SignedAnchor signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        if (Nethereum.Model.TransactionFactory.CreateTransaction(signed.Raw) is not Nethereum.Model.Transaction1559 transaction
            || transaction.Nonce is not { } nonce || transaction.MaxFeePerGas is not { } max || transaction.MaxPriorityFeePerGas is not { } tip)
        {
            throw new FormatException($"Anchor transaction {signed.TransactionHash} is not an EIP-1559 transaction with a nonce and fees.");
        }

        return ((long)nonce, new AnchorFee(max, tip));
    }

    /// <summary>
    /// Sends the anchoring transaction with exactly <paramref name="nonce"/>, offering <paramref name="fee"/>
    /// (else what the chain asks now, <see cref="AskedFeeAsync"/>); returns its hash without waiting.
    /// </summary>
    public async Task<string> SendAnchorAsync(
        string electionId, long treeSize, byte[] root, IReadOnlyList<byte[]> consistency, DateTimeOffset time, long nonce, AnchorFee? fee = null)
    {
        var signed = await SignAnchorAsync(electionId, treeSize, root, consistency, time, nonce, fee);
        await SendSignedAsync(signed);
        return signed.TransactionHash;
    }

    /// <summary>
    /// Signs the anchoring transaction with exactly <paramref name="nonce"/>, offering <paramref name="fee"/>
    /// (else what the chain asks now, <see cref="AskedFeeAsync"/>), without sending it: its hash can be
    /// recorded first, so a transaction the node took is never lost track of (an answer lost on the
    /// way back, a crash). The same checkpoint and nonce with a higher fee replaces a transaction the
    /// chain left waiting. <paramref name="consistency"/> proves the election's newest checkpoint on chain
    /// (if it has one) is the start of this one's tree: the contract refuses the anchor otherwise.
    /// </summary>
    public async Task<SignedAnchor> SignAnchorAsync(
        string electionId, long treeSize, byte[] root, IReadOnlyList<byte[]> consistency, DateTimeOffset time, long nonce, AnchorFee? fee = null)
    {
        ArgumentNullException.ThrowIfNull(consistency);
        var account = SigningAccount();
        fee ??= await AskedFeeAsync();
        var input = contract.GetFunction("anchor").CreateTransactionInput(
            account.Address, AnchorGas, null, ElectionKey(electionId), (ulong)treeSize, root, (ulong)time.ToUnixTimeSeconds(), consistency.ToList());
        input.Nonce = new HexBigInteger(nonce);
        input.Type = new HexBigInteger(2);
        input.MaxFeePerGas = new HexBigInteger(fee.MaxFeePerGas);
        input.MaxPriorityFeePerGas = new HexBigInteger(fee.MaxPriorityFeePerGas);
        var raw = (await web3.TransactionManager.SignTransactionAsync(input)).EnsureHexPrefix();
        return new SignedAnchor("0x" + Sha3Keccack.Current.CalculateHashFromHex(raw), raw);
    }

    /// <summary>Hands a signed anchor to the node. Throws when the node refuses it (or names another hash for it).</summary>
    public async Task SendSignedAsync(SignedAnchor signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var hash = await web3.Eth.Transactions.SendRawTransaction.SendRequestAsync(signed.Raw);
        if (!string.Equals(hash, signed.TransactionHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The node took anchor transaction {signed.TransactionHash} as {hash}.");
        }
    }

    /// <summary>What the chain asks of a transaction now (twice the newest block's base fee plus a 2 gwei tip), held to <see cref="MaxFeePerGas"/>.</summary>
    public async Task<AnchorFee> AskedFeeAsync()
    {
        var suggested = await web3.FeeSuggestion.GetSimpleFeeSuggestionStrategy().SuggestFeeAsync();
        var asked = new AnchorFee(
            suggested.MaxFeePerGas ?? throw new InvalidOperationException("The node suggested no EIP-1559 fee."),
            suggested.MaxPriorityFeePerGas ?? throw new InvalidOperationException("The node suggested no EIP-1559 tip."));
        return MaxFeePerGas is { } cap ? AnchorFee.Capped(asked, cap) : asked;
    }

    /// <summary>
    /// The fee for a transaction replacing <paramref name="sent"/>, which the chain left unmined: a quarter
    /// more, or what the chain asks now when that is more, held to <see cref="MaxFeePerGas"/> (see
    /// <see cref="AnchorFee.Replacement"/>); null when the cap leaves no raise a node would take.
    /// </summary>
    public async Task<AnchorFee?> ReplacementFeeAsync(SentTransaction sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var asked = await AskedFeeAsync();
        return sent.Fee.Replacement(asked, MaxFeePerGas);
    }

    /// <summary>
    /// Waits for <paramref name="transaction"/> (an anchor of <paramref name="treeSize"/>) to be mined, at
    /// most the client's receipt timeout. Throws <see cref="AnchorRefusedException"/> when it reverted and
    /// <see cref="TimeoutException"/> when it was not mined in time (it may still be).
    /// </summary>
    public async Task<AnchorTransaction> WaitForAnchorAsync(string transaction, string electionId, long treeSize, CancellationToken cancellationToken)
    {
        var limit = receiptTimeout ?? TimeSpan.FromMinutes(5);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(limit);
        TransactionReceipt receipt;
        try
        {
            receipt = await web3.TransactionManager.TransactionReceiptService.PollForReceiptAsync(transaction, waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Anchor transaction {transaction} was not mined within {limit.TotalSeconds:0} s (the chain is congested or its fee too low). " +
                "It may still be mined: the next attempt offers more for the same nonce while the node holds it unmined, and sends another anchor only once the node holds neither.");
        }

        if (receipt.Status?.Value != BigInteger.One)
        {
            throw new AnchorRefusedException(electionId, treeSize, receipt.TransactionHash);
        }

        // One sent to a contract used before (replaced since) anchored there, where no proof looks.
        if (!string.Equals(receipt.To, ContractAddress, StringComparison.OrdinalIgnoreCase))
        {
            throw new AnchorRefusedException(
                electionId, treeSize, receipt.TransactionHash,
                $"Anchor transaction {receipt.TransactionHash} of tree size {treeSize} of {electionId} went to contract {receipt.To}, not {ContractAddress}, the anchor contract in use.");
        }

        var anchored = receipt.DecodeAllEvents<AnchoredEvent>().SingleOrDefault()
            ?? throw new InvalidOperationException($"Transaction {receipt.TransactionHash} has no Anchored event.");
        return new AnchorTransaction(receipt.TransactionHash, (long)receipt.BlockNumber.Value, (long)anchored.Event.Index);
    }

    /// <summary>The account that owns the contract: the only one whose anchors it takes (read once: its code fixes it).</summary>
    public async Task<string> OwnerAsync() => owner ??= await contract.GetFunction("owner").CallAsync<string>();

    /// <summary>The account anchors are signed with.</summary>
    public string SigningAddress => SigningAccount().Address;

    /// <summary>The newest block's number.</summary>
    public async Task<long> BlockNumberAsync() => (long)(await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;

    /// <summary>
    /// <paramref name="transaction"/> as the node holds it, mined or waiting in its pool; null once it
    /// dropped it (or a reorganisation did, or a replacement took its place).
    /// </summary>
    public async Task<SentTransaction?> SentAsync(string transaction)
    {
        if (await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(transaction) is not { } held)
        {
            return null;
        }

        // A legacy transaction offers its one gas price as both.
        var price = held.GasPrice?.Value ?? BigInteger.Zero;
        var fee = new AnchorFee(held.MaxFeePerGas?.Value ?? price, held.MaxPriorityFeePerGas?.Value ?? price);
        return new SentTransaction(held.TransactionHash, (long)held.Nonce.Value, fee, held.BlockNumber?.Value is not null);
    }

    private Nethereum.RPC.Accounts.IAccount SigningAccount() =>
        web3.TransactionManager.Account
            ?? throw new InvalidOperationException("Anchoring needs a signing client (ChainClientFactory.CreateSigning).");

    /// <summary>
    /// Where a mined transaction stands now: its block and how many blocks were mined on top of it;
    /// null when the chain holds no successful receipt for it (a reorganisation undid its block, or it
    /// was never mined). Read afresh each time: after a reorganisation a transaction may be in another block.
    /// </summary>
    public async Task<MinedTransaction?> MinedAsync(string transactionHash)
    {
        var receipt = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(transactionHash);
        if (receipt?.BlockNumber is null || receipt.Status?.Value != BigInteger.One)
        {
            return null;
        }

        var latest = await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        var block = (long)receipt.BlockNumber.Value;
        return new MinedTransaction(transactionHash, block, Math.Max(0, (long)latest.Value - block));
    }

    /// <summary>
    /// The transaction that anchored <paramref name="treeSize"/> with <paramref name="root"/>, found on
    /// chain after a sent anchor went unrecorded (crash, timeout, database down); null when that size
    /// was never anchored. Throws when the chain holds the size with another root.
    /// </summary>
    public async Task<AnchorTransaction?> FindAnchorTransactionAsync(string electionId, long treeSize, byte[] root)
    {
        // The contract's own storage first (plain calls): most failed attempts never got mined, and
        // the checkpoint's index narrows the event query to exactly one log.
        if (await FindBySizeAsync(electionId, treeSize) is not { } found)
        {
            return null;
        }

        if (!found.Checkpoint.Root.AsSpan().SequenceEqual(root))
        {
            throw new InvalidOperationException(
                $"The anchor contract holds tree size {treeSize} of {electionId} with root {Convert.ToHexStringLower(found.Checkpoint.Root)}, not {Convert.ToHexStringLower(root)}.");
        }

        // Both indexed topics written out as the 32-byte words the node compares: Nethereum's typed
        // CreateFilterInput does not encode a byte[] topic as the bytes32 the event declares, and
        // its filter matched nothing.
        var handler = web3.Eth.GetEvent<AnchoredEvent>(ContractAddress);
        var filter = new NewFilterInput
        {
            Address = [ContractAddress],
            FromBlock = BlockParameter.CreateEarliest(),
            ToBlock = BlockParameter.CreateLatest(),
            Topics =
            [
                "0x" + handler.EventABI.Sha3Signature,
                "0x" + Convert.ToHexStringLower(ElectionKey(electionId)),
                "0x" + found.Index.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
            ],
        };
        var match = (await handler.GetAllChangesAsync(filter)).FirstOrDefault(e => (long)e.Event.TreeSize == treeSize);
        return match is null
            ? throw new InvalidOperationException(
                $"The anchor contract holds tree size {treeSize} of {electionId} at index {found.Index}, but the node returned no Anchored event for it.")
            : new AnchorTransaction(match.Log.TransactionHash, (long)match.Log.BlockNumber.Value, (long)match.Event.Index);
    }

    /// <summary>The contract's <c>Anchored</c> event.</summary>
    [Event("Anchored")]
    public sealed class AnchoredEvent : IEventDTO
    {
        [Parameter("bytes32", "electionId", 1, true)]
        public byte[] ElectionId { get; set; } = [];

        [Parameter("uint256", "index", 2, true)]
        public BigInteger Index { get; set; }

        [Parameter("uint64", "treeSize", 3, false)]
        public ulong TreeSize { get; set; }

        [Parameter("bytes32", "root", 4, false)]
        public byte[] Root { get; set; } = [];

        [Parameter("uint64", "timestamp", 5, false)]
        public ulong Timestamp { get; set; }
    }
}
