using System.Numerics;

namespace Voting.Infrastructure.Chain;

/// <summary>
/// What an anchor transaction offers per unit of gas (EIP-1559), in wei: at most
/// <paramref name="MaxFeePerGas"/> in all, of which at most <paramref name="MaxPriorityFeePerGas"/> goes
/// to the block's producer.
/// </summary>
public sealed record AnchorFee(BigInteger MaxFeePerGas, BigInteger MaxPriorityFeePerGas)
{
    /// <summary>
    /// How much more a replacement offers than the transaction it replaces, in percent of each fee, at
    /// least. Nodes take a transaction with a nonce already waiting in their pool only when both its fees
    /// are at least 10% higher (geth's default price bump); a quarter clears that and moves a stuck
    /// transaction in a few steps.
    /// </summary>
    public const int ReplacementRaisePercent = 25;

    /// <summary>The least raise, in percent of each fee, a node takes for a replacement.</summary>
    public const int NodeReplacementMinimumPercent = 10;

    /// <summary>Wei in one gwei, the unit fees are configured in.</summary>
    public static readonly BigInteger WeiPerGwei = 1_000_000_000;

    /// <summary>The fee asked for, held to <paramref name="cap"/> (wei per gas): the tip never exceeds the total.</summary>
    public static AnchorFee Capped(AnchorFee asked, BigInteger cap)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var max = BigInteger.Min(asked.MaxFeePerGas, cap);
        return new AnchorFee(max, BigInteger.Min(asked.MaxPriorityFeePerGas, max));
    }

    /// <summary>
    /// The fee for a transaction replacing this one, which the chain left unmined: each fee raised by
    /// <see cref="ReplacementRaisePercent"/>, or to what the chain asks now (<paramref name="asked"/>)
    /// when that is more, held to <paramref name="cap"/> (wei per gas; null for none). Null when the cap leaves no raise
    /// a node would take (<see cref="NodeReplacementMinimumPercent"/> on both fees): the transaction
    /// can only be waited for.
    /// </summary>
    public AnchorFee? Replacement(AnchorFee asked, BigInteger? cap)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var raised = new AnchorFee(
            BigInteger.Max(Raise(MaxFeePerGas, ReplacementRaisePercent), asked.MaxFeePerGas),
            BigInteger.Max(Raise(MaxPriorityFeePerGas, ReplacementRaisePercent), asked.MaxPriorityFeePerGas));
        var replacement = cap is { } limit ? Capped(raised, limit) : raised;
        return replacement.MaxFeePerGas >= Raise(MaxFeePerGas, NodeReplacementMinimumPercent)
            && replacement.MaxPriorityFeePerGas >= Raise(MaxPriorityFeePerGas, NodeReplacementMinimumPercent)
            ? replacement
            : null;
    }

    /// <summary>The fees in gwei, for messages: "max 3.5 gwei, tip 2 gwei".</summary>
    public override string ToString() => $"max {Gwei(MaxFeePerGas)} gwei, tip {Gwei(MaxPriorityFeePerGas)} gwei";

    /// <summary><paramref name="wei"/> in gwei, to nine decimals at most.</summary>
    public static string Gwei(BigInteger wei) =>
        ((decimal)wei / (decimal)WeiPerGwei).ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture);

    // Rounded up, and by at least one wei: nodes take a replacement only when both fees are strictly
    // higher, a tip of 0 too.
    private static BigInteger Raise(BigInteger fee, int percent) =>
        fee <= 0 ? BigInteger.One : BigInteger.Max(fee + 1, ((fee * (100 + percent)) + 99) / 100);
}
