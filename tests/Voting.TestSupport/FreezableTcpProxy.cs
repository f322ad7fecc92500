using System.Net;
using System.Net.Sockets;

namespace Voting.TestSupport;

/// <summary>
/// A loopback TCP proxy to a real server that can be frozen: connections stay open but no byte goes
/// through either way, as when the server hangs or the network drops packets silently. Stopping
/// a server gives clients a refused connection at once; this gives them a timeout.
/// </summary>
public sealed class FreezableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> connections = [];
    private readonly Task accepting;
    private volatile TaskCompletionSource thawed = Completed();

    public FreezableTcpProxy(int targetPort)
    {
        this.targetPort = targetPort;
        listener = new TcpListener(IPAddress.Loopback, LoopbackPorts.Free());
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>From now on nothing goes through until <see cref="Thaw"/>.</summary>
    public void Freeze() => Interlocked.CompareExchange(ref thawed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), thawed);

    /// <summary>Lets everything held back go through, and what follows.</summary>
    public void Thaw() => thawed.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Thaw();
        await stopping.CancelAsync();
        listener.Stop();
        lock (connections)
        {
            connections.ForEach(c => c.Dispose());
        }

        try
        {
            await accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }

        stopping.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, targetPort, stopping.Token);
            lock (connections)
            {
                connections.Add(client);
                connections.Add(server);
            }

            _ = PumpAsync(client.GetStream(), server.GetStream());
            _ = PumpAsync(server.GetStream(), client.GetStream());
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
            {
                await thawed.Task.WaitAsync(stopping.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // one side closed, or the proxy stopped
        }
    }
}
