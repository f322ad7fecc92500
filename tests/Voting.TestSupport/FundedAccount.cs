using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

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
        using var response = await rpc.PostAsJsonAsync(
            new Uri(rpcUrl),
            new Dictionary<string, object> { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "anvil_setBalance", ["params"] = new object[] { address, "0x3635c9adc5dea00000" } });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"anvil_setBalance failed: {error}");
        }
    }
}
