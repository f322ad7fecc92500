using System.ComponentModel.DataAnnotations;

namespace Voting.Console.Blazor.Proofs;

/// <summary>
/// The chain node the console reads anchored roots from (read-only: no key). Section
/// <c>Voting:Chain</c>, the same node settings the services use.
/// </summary>
public sealed class ChainReadOptions
{
    public const string Section = "Voting:Chain";

    [Required, Url]
    public string RpcUrl { get; set; } = "";

    /// <summary>
    /// The anchor contract the election authority published (the services' same setting). Roots are
    /// read from it alone: a proof naming another contract is invalid, since whoever serves proofs could
    /// name a contract of their own holding any root. Empty until pinned (a development stack, where
    /// the audit service deploys one): the contract the proof names is read, and the verdict says so.
    /// </summary>
    [RegularExpression("^$|^0x[0-9a-fA-F]{40}$")]
    public string AnchorContractAddress { get; set; } = "";
}
