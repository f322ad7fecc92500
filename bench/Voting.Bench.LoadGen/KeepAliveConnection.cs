using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Voting.Bench.LoadGen;

/// <summary>
/// One HTTP/1.1 keep-alive connection that sends a prepared request and reads the answer's status,
/// skipping its body (Content-Length or chunked). Only what a load generator needs, and no more: on a
/// two-core box shared with the servers under test, every microsecond the generator spends on a
/// request is taken from them, and <c>HttpClient</c> spent ~140 us of CPU on each (headers validated
/// and copied, a pooled connection looked up, a task per request), wrk ~25.
/// </summary>
internal sealed class KeepAliveConnection(IPEndPoint server) : IDisposable
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly byte[] buffer = new byte[8192];
    private Socket? socket;
    private int start;
    private int end;

    public async Task ConnectAsync()
    {
        socket?.Dispose();
        socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        start = end = 0;
    }

    /// <summary>Sends <paramref name="request"/> and returns the answer's status code; a broken connection is reopened on the next call.</summary>
    public async Task<int> SendAsync(ReadOnlyMemory<byte> request)
    {
        if (socket is null)
        {
            await ConnectAsync();
        }

        try
        {
            await socket!.SendAsync(request, SocketFlags.None);
            return await ReadResponseAsync();
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            socket?.Dispose();
            socket = null;
            throw;
        }
    }

    public void Dispose() => socket?.Dispose();

    private async Task<int> ReadResponseAsync()
    {
        var headerEnd = await FillUntilAsync(HeadEnd);
        var (status, contentLength, chunked, close) = ParseHead(buffer.AsSpan(start, headerEnd - start));
        start = headerEnd + 4;
        if (chunked)
        {
            while (true)
            {
                var lineEnd = await FillUntilAsync(LineEnd);
                if (!Utf8Parser.TryParse(buffer.AsSpan(start, lineEnd - start), out int size, out _, 'x'))
                {
                    throw new InvalidDataException("bad chunk size");
                }

                start = lineEnd + 2;
                await SkipAsync(size + 2);
                if (size == 0)
                {
                    break;
                }
            }
        }
        else
        {
            await SkipAsync(contentLength);
        }

        if (close)
        {
            socket?.Dispose();
            socket = null;
        }

        return status;
    }

    /// <summary>Reads until <paramref name="marker"/> is buffered; returns its offset in the buffer.</summary>
    private async Task<int> FillUntilAsync(byte[] marker)
    {
        while (true)
        {
            var at = buffer.AsSpan(start, end - start).IndexOf(marker);
            if (at >= 0)
            {
                return start + at;
            }

            await ReceiveMoreAsync();
        }
    }

    private async Task SkipAsync(int count)
    {
        while (end - start < count)
        {
            count -= end - start;
            start = end = 0;
            await ReceiveMoreAsync();
        }

        start += count;
    }

    private async Task ReceiveMoreAsync()
    {
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            throw new InvalidDataException("response head larger than the buffer");
        }

        var read = await socket!.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        end += read;
    }

    /// <summary>
    /// The status, the body's length (0 when not given), whether the body is chunked and whether the
    /// server closes the connection; read in one pass over the response head, without allocating.
    /// </summary>
    private static (int Status, int ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 202 Accepted"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("not an HTTP/1.1 status line");
        }

        var (contentLength, chunked, close) = (0, false, false);
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8) && !Utf8Parser.TryParse(value, out contentLength, out _))
            {
                throw new InvalidDataException("bad Content-Length");
            }

            chunked |= Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8) && Ascii.EqualsIgnoreCase(value, "chunked"u8);
            close |= Ascii.EqualsIgnoreCase(name, "connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8);
        }

        return (status, contentLength, chunked, close);
    }
}
