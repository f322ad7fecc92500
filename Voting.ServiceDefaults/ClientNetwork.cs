using System.Net;

namespace Voting.ServiceDefaults;

/// <summary>
/// What a per-client limit counts a client as: its IPv4 address, or an IPv6 client's /64 (one
/// subscriber's network: a client that hops between the addresses it is given must not get a
/// bucket for each). An IPv4 address mapped into IPv6 counts as itself.
/// </summary>
public static class ClientNetwork
{
    /// <summary>The key of <paramref name="address"/>; <see cref="IPAddress.None"/> when unknown.</summary>
    public static IPAddress KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
