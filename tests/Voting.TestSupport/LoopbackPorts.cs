using System.Net;
using System.Net.Sockets;

namespace Voting.TestSupport;

/// <summary>
/// Loopback ports for servers a test starts itself. They are picked below the kernel's ephemeral
/// range (32768–60999 here), from which it hands out the local ports of outgoing connections: a port
/// found free by binding port 0 lies in that range, and one of the tests' own client connections
/// could take it in the seconds before the server binds it (an ingest child once failed to start
/// that way).
/// </summary>
public static class LoopbackPorts
{
    private const int First = 12_000;
    private const int Count = 10_000;

    // Each test process starts somewhere else in the range, so parallel test processes rarely meet.
    private static int next = Random.Shared.Next(Count);

    /// <summary>
    /// A port nothing listens on now, nor on <c>port + <paramref name="companionOffset"/></c> when
    /// that is given (Redis Cluster's bus listens on the port + 10000).
    /// </summary>
    public static int Free(int companionOffset = 0)
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref next) % Count);
            if (IsFree(port) && (companionOffset == 0 || IsFree(port + companionOffset)))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}–{First + Count - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
