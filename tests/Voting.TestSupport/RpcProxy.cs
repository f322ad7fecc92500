using System.Net;
using System.Text;
using System.Text.Json;

namespace Voting.TestSupport;

/// <summary>
/// A JSON-RPC endpoint on a free loopback port that passes every call on to a real node, except the
/// next calls of a method a test armed (<see cref="FailNext"/>): each one's answer is cut (the node got
/// and did the call; its caller gets an empty answer), or a refusal is answered without passing the
/// call on. For the paths of a chain client that real nodes take only
/// now and then.
/// </summary>
public sealed class RpcProxy : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly HttpClient upstream;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task serving;
    private readonly Lock armed = new();
    private readonly List<(string Method, RpcFault Fault, string Error)> queued = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
    private int faulted;

    private RpcProxy(string upstreamUrl)
    {
        upstream = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Upstream = new Uri(upstreamUrl);
        var port = LoopbackPorts.Free();
        RpcUrl = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(RpcUrl);
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    /// <summary>The endpoint to give the client under test.</summary>
    public string RpcUrl { get; }

    /// <summary>The node's own endpoint.</summary>
    public Uri Upstream { get; }

    /// <summary>How many armed calls have been failed so far.</summary>
    public int Faulted => Volatile.Read(ref faulted);

    public static RpcProxy Start(string upstreamUrl) => new(upstreamUrl);

    /// <summary>How many calls of <paramref name="method"/> the proxy has received so far.</summary>
    public int Calls(string method) => calls.TryGetValue(method, out var count) ? count : 0;

    /// <summary>
    /// Fails <paramref name="times"/> more calls of <paramref name="method"/> as <paramref name="fault"/>
    /// says, after those armed before (faults are used in the order they were armed);
    /// <paramref name="error"/> is the refusal's message.
    /// </summary>
    public void FailNext(string method, RpcFault fault, string error = "refused by the test's proxy", int times = 1)
    {
        lock (armed)
        {
            queued.AddRange(Enumerable.Repeat((method, fault, error), times));
        }
    }

    /// <summary>Disarms every fault not used yet: from now on every call goes through.</summary>
    public void ClearFaults()
    {
        lock (armed)
        {
            queued.Clear();
        }
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            using var call = JsonDocument.Parse(body);
            var method = call.RootElement.ValueKind == JsonValueKind.Object && call.RootElement.TryGetProperty("method", out var m) ? m.GetString() : null;
            calls.AddOrUpdate(method ?? "", 1, (_, count) => count + 1);
            (string Method, RpcFault Fault, string Error)? fault = null;
            lock (armed)
            {
                if (queued.FindIndex(f => f.Method == method) is var index and >= 0)
                {
                    fault = queued[index];
                    queued.RemoveAt(index);
                }
            }

            if (fault is { Fault: RpcFault.Refused } refusal)
            {
                Interlocked.Increment(ref faulted);
                var id = call.RootElement.TryGetProperty("id", out var i) ? i.GetRawText() : "null";
                await WriteAsync(context, $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32000,"message":{{{JsonSerializer.Serialize(refusal.Error)}}}}}""");
                return;
            }

            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var answer = await upstream.PostAsync(Upstream, content, stopping.Token);
            var text = await answer.Content.ReadAsStringAsync(stopping.Token);
            if (fault is { Fault: RpcFault.EmptyAnswer })
            {
                Interlocked.Increment(ref faulted);
                context.Response.Abort(); // the node did it; the caller hears nothing of it
                return;
            }

            context.Response.StatusCode = (int)answer.StatusCode;
            await WriteAsync(context, text);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            context.Response.Abort();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or IOException or HttpListenerException)
        {
            context.Response.StatusCode = 502;
            context.Response.Close();
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        listener.Close();
        await serving;
        upstream.Dispose();
        stopping.Dispose();
    }
}
