using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Voting.Core.Audit;

namespace Voting.Verifier;

/// <summary>Reads the proof documents the audit API serves (camelCase JSON) from files.</summary>
internal static class ProofDocumentReader
{
    /// <summary>Reads an inclusion proof document.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The document as written; its fields are checked by the verifier.</returns>
    /// <exception cref="CannotCheckException">The file cannot be read or is not such a document.</exception>
    public static InclusionProofDocument ReadInclusion(string? path) =>
        Read(path, AuditJsonContext.Default.InclusionProofDocument, "an inclusion proof");

    /// <summary>Reads a consistency proof document.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The document as written; its fields are checked by the verifier.</returns>
    /// <exception cref="CannotCheckException">The file cannot be read or is not such a document.</exception>
    public static ConsistencyProofDocument ReadConsistency(string? path) =>
        Read(path, AuditJsonContext.Default.ConsistencyProofDocument, "a consistency proof");

    private static T Read<T>(string? path, JsonTypeInfo<T> type, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CannotCheckException("no proof file given (--proof FILE)");
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CannotCheckException($"cannot read {path}: no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CannotCheckException($"cannot read {path}: {e.Message}", e);
        }

        try
        {
            return JsonSerializer.Deserialize(json, type)
                ?? throw new CannotCheckException($"{path} holds null, not {what} document");
        }
        catch (JsonException e)
        {
            throw new CannotCheckException($"{path} is not {what} document: {e.Message}", e);
        }
    }
}
