using System.Text.Json;
using Voting.Core.Merkle;

namespace Voting.Core.Tests.Merkle;

/// <summary>
/// The transparency-dev/merkle proof vectors in shared/testdata/rfc6962-merkle: the verifier must
/// accept every file with <c>wantErr: false</c> and reject every one with <c>wantErr: true</c>.
/// </summary>
public sealed class Rfc6962VectorTests
{
    // Counted when the vectors were added (98 inclusion + 98 consistency). A lower count means
    // files went missing, and a missing folder must never pass vacuously.
    private const int ExpectedInclusionFiles = 98;
    private const int ExpectedConsistencyFiles = 98;

    private static readonly Lazy<string> VectorRoot = new(FindVectorRoot);

    public static TheoryData<string> VectorFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in ListVectorFiles("inclusion").Concat(ListVectorFiles("consistency")))
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void All_vector_files_are_found()
    {
        Assert.True(
            ListVectorFiles("inclusion").Count >= ExpectedInclusionFiles,
            $"Expected at least {ExpectedInclusionFiles} inclusion vectors under {VectorRoot.Value}.");
        Assert.True(
            ListVectorFiles("consistency").Count >= ExpectedConsistencyFiles,
            $"Expected at least {ExpectedConsistencyFiles} consistency vectors under {VectorRoot.Value}.");
        Assert.Equal(
            ListVectorFiles("inclusion").Count + ListVectorFiles("consistency").Count,
            VectorFiles().Cast<object[]>().Count());
    }

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public void Verifier_accepts_exactly_the_vectors_without_wantErr(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot.Value, file)));
        var vector = json.RootElement;
        var wantErr = vector.GetProperty("wantErr").GetBoolean();

        if (file.StartsWith("inclusion/", StringComparison.Ordinal))
        {
            var leafIndex = ReadSize(vector, "leafIdx");
            var treeSize = ReadSize(vector, "treeSize");
            var leafHash = ReadHash(vector, "leafHash");
            var root = ReadHash(vector, "root");
            var proof = ReadProof(vector);

            Assert.Equal(!wantErr, MerkleProofVerifier.VerifyInclusion(leafIndex, treeSize, leafHash, proof, root));
            AssertRootFromInclusionProofAgrees(leafIndex, treeSize, leafHash, proof, root, wantErr);
        }
        else
        {
            var size1 = ReadSize(vector, "size1");
            var size2 = ReadSize(vector, "size2");
            var root1 = ReadHash(vector, "root1");
            var root2 = ReadHash(vector, "root2");
            var proof = ReadProof(vector);

            Assert.Equal(!wantErr, MerkleProofVerifier.VerifyConsistency(size1, size2, proof, root1, root2));
        }
    }

    private static void AssertRootFromInclusionProofAgrees(long leafIndex, long treeSize, byte[] leafHash, byte[][] proof, byte[] root, bool wantErr)
    {
        if (!wantErr)
        {
            Assert.Equal(root, MerkleProofVerifier.RootFromInclusionProof(leafIndex, treeSize, leafHash, proof));
            return;
        }

        try
        {
            Assert.NotEqual(root, MerkleProofVerifier.RootFromInclusionProof(leafIndex, treeSize, leafHash, proof));
        }
        catch (MerkleProofException)
        {
            // Structurally bad: rejected before any hashing, which is also a rejection.
        }
    }

    /// <summary>
    /// Sizes are uint64 in the vectors; "leafIdx - 1" from 0 is 2^64 - 1. Values above long.MaxValue
    /// wrap to negative longs, which the API rejects just as verify.go rejects index &gt;= size.
    /// </summary>
    private static long ReadSize(JsonElement vector, string name) => unchecked((long)vector.GetProperty(name).GetUInt64());

    private static byte[] ReadHash(JsonElement vector, string name) => Convert.FromBase64String(vector.GetProperty(name).GetString() ?? string.Empty);

    private static byte[][] ReadProof(JsonElement vector)
    {
        var proof = vector.GetProperty("proof");
        return proof.ValueKind == JsonValueKind.Null
            ? []
            : proof.EnumerateArray().Select(node => Convert.FromBase64String(node.GetString() ?? string.Empty)).ToArray();
    }

    /// <summary>Vector files under one folder, as paths relative to the vector root with '/' separators.</summary>
    private static List<string> ListVectorFiles(string folder)
    {
        var directory = Path.Combine(VectorRoot.Value, folder);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The {folder} vectors are missing: {directory} does not exist.");
        }

        return Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(VectorRoot.Value, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The vectors live in shared/testdata next to the repository (/work/shared beside /work/main
    /// here, ../shared beside the clone in CI). Checking &lt;dir&gt;/shared for the build output
    /// directory and every ancestor covers both &lt;dir&gt;/shared and &lt;dir&gt;/../shared.
    /// </summary>
    private static string FindVectorRoot()
    {
        var relative = Path.Combine("shared", "testdata", "rfc6962-merkle");
        var searched = new List<string>();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            searched.Add(candidate);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "RFC 6962 Merkle test vectors not found; looked in: " + string.Join(", ", searched));
    }
}
