using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Voting.TestSupport;

/// <summary>Loggers for components under test whose log output the test does not assert.</summary>
public static class TestLoggers
{
    public static ILogger<T> For<T>() => NullLogger<T>.Instance;
}
