using System.Buffers.Binary;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// A 32-byte column value (a ballot hash, a voter pseudonym) as a dictionary key: compared and
/// hashed by its content, held in four words instead of a 64-character hex string per lookup.
/// Ordered as MySQL orders BINARY(32) columns (unsigned bytes, first byte first).
/// </summary>
public readonly struct Bytes32 : IEquatable<Bytes32>, IComparable<Bytes32>
{
    public const int Size = 32;

    private readonly ulong a, b, c, d;

    /// <summary>The key of <paramref name="value"/>, which must be exactly <see cref="Size"/> bytes.</summary>
    public Bytes32(ReadOnlySpan<byte> value)
    {
        if (value.Length != Size)
        {
            throw new ArgumentException($"a {Size}-byte value was expected, not {value.Length} bytes", nameof(value));
        }

        // Big-endian words: comparing them in turn compares the bytes in turn.
        a = BinaryPrimitives.ReadUInt64BigEndian(value);
        b = BinaryPrimitives.ReadUInt64BigEndian(value[8..]);
        c = BinaryPrimitives.ReadUInt64BigEndian(value[16..]);
        d = BinaryPrimitives.ReadUInt64BigEndian(value[24..]);
    }

    public bool Equals(Bytes32 other) => a == other.a && b == other.b && c == other.c && d == other.d;

    public int CompareTo(Bytes32 other) =>
        a != other.a ? a.CompareTo(other.a) : b != other.b ? b.CompareTo(other.b) : c != other.c ? c.CompareTo(other.c) : d.CompareTo(other.d);

    public override bool Equals(object? obj) => obj is Bytes32 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(a, b, c, d);

    public static bool operator ==(Bytes32 left, Bytes32 right) => left.Equals(right);

    public static bool operator !=(Bytes32 left, Bytes32 right) => !left.Equals(right);

    /// <summary>The value in upper-case hex, as logs and error messages show it.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, a);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], b);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], c);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], d);
        return Convert.ToHexString(bytes);
    }
}
