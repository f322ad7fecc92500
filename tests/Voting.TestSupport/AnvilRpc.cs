using System.Net.Http.Json;
using System.Text.Json;

namespace Voting.TestSupport;

/// <summary>One JSON-RPC call to a node (Anvil's test methods included); a node's error is thrown.</summary>
public static class AnvilRpc
{
    public static async Task<JsonElement> CallAsync(HttpClient rpc, Uri endpoint, string method, params object[] parameters)
    {
        using var response = await rpc.PostAsJsonAsync(endpoint, new Dictionary<string, object> { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = parameters });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"{method} failed: {error}")
            : body.GetProperty("result");
    }
}
