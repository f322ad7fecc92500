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
}
