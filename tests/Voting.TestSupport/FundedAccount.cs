using System.Security.Cryptography;

namespace Voting.TestSupport;

/// <summary>
/// An anchoring account of a test's own: a fresh key, funded on an Anvil node (<c>anvil_setBalance</c>).
/// Services that sign from one shared development account race each other for its nonces.
/// </summary>
public static class FundedAccount
{
    /// <summary>A new private key (hex, 0x-prefixed).</summary>
    public static string NewKey() => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Gives the account of <paramref name="privateKey"/> 1,000 ether on the node at <paramref name="rpcUrl"/>.</summary>
    public static async Task FundAsync(string rpcUrl, string privateKey)
    {
        var address = new Nethereum.Web3.Accounts.Account(privateKey).Address;
        using var rpc = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await AnvilRpc.CallAsync(rpc, new Uri(rpcUrl), "anvil_setBalance", address, "0x3635c9adc5dea00000");
    }
}
