using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Voting.Infrastructure.Chain;

/// <summary>One checkpoint as the anchor contract stores it (<c>checkpointAt</c>'s outputs).</summary>
[FunctionOutput]
public sealed class AnchoredCheckpoint : IFunctionOutputDTO
{
    [Parameter("uint64", "treeSize", 1)]
    public ulong TreeSize { get; set; }

    [Parameter("bytes32", "root", 2)]
    public byte[] Root { get; set; } = [];

    [Parameter("uint64", "timestamp", 3)]
    public ulong Timestamp { get; set; }
}
