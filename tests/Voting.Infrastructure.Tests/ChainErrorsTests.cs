using Nethereum.Web3;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>What operators read when a chain call fails, for failures of the stack's real node.</summary>
public sealed class ChainErrorsTests
{
    [Fact]
    public async Task An_empty_answer_is_described_as_such_not_as_Nethereums_null_reference()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        var web3 = new Web3(proxy.RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.EmptyAnswer);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => web3.Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.Equal(1, proxy.Faulted);
        Assert.Equal(ChainErrors.NoAnswer, ChainErrors.CauseMessage(e));
        Assert.Contains(ChainErrors.NoAnswer, ChainErrors.Describe(e), StringComparison.Ordinal);
        Assert.DoesNotContain("Object reference", ChainErrors.Describe(e), StringComparison.Ordinal);
        // The next call goes through (it would throw; its block number may be 0 on a fresh chain), unfaulted.
        _ = await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync();
        Assert.Equal(1, proxy.Faulted);
    }

    [Fact]
    public async Task A_refusal_is_described_by_the_nodes_own_message()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.Refused, "header not found");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new Web3(proxy.RpcUrl).Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.StartsWith("header not found", ChainErrors.Describe(e), StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_reference_of_our_own_code_keeps_its_message()
    {
        var e = new InvalidOperationException("outer", ThrownHere());

        Assert.False(ChainErrors.IsNoAnswer(e));
        Assert.Equal($"outer (NullReferenceException: {e.InnerException!.Message})", ChainErrors.Describe(e));
        Assert.Equal(e.InnerException.Message, ChainErrors.CauseMessage(e));
    }

    private static NullReferenceException ThrownHere()
    {
        try
        {
            throw new NullReferenceException("a bug of ours");
        }
        catch (NullReferenceException e)
        {
            return e;
        }
    }

    [Theory]
    [InlineData(3, "execution reverted", true)]
    [InlineData(-32000, "execution reverted: NotOwner", true)]
    [InlineData(-32003, "EvmError: InvalidFEOpcode", true)]
    [InlineData(-32000, "out of gas", true)]
    [InlineData(-32000, "execution aborted (timeout = 5s)", false)]
    [InlineData(-32005, "rate limit exceeded", false)]
    [InlineData(-32601, "the method eth_call does not exist/is not available", false)]
    [InlineData(-32000, "missing trie node 4f2a (path ) state is not available", false)]
    public void A_contract_failing_is_told_apart_from_the_nodes_own_trouble(int code, string message, bool contractFailed)
    {
        var answer = new Nethereum.JsonRpc.Client.RpcResponseException(new Nethereum.JsonRpc.Client.RpcError(code, message));

        Assert.Equal(contractFailed, ChainErrors.IsExecutionFailure(answer));
        Assert.Equal(contractFailed, ChainErrors.IsExecutionFailure(new InvalidOperationException("wrapped", answer)));
        Assert.False(ChainErrors.IsExecutionFailure(new HttpRequestException(message)));
    }
}
