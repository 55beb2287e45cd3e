package io.sipgw.admin;

/** A JSON-RPC error with its code (JSON-RPC 2.0 §5.1): what a method fails with to say why. */
public final class RpcException extends RuntimeException {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;
  /** A method that understood its params but could not do what was asked (no such AOR, a refused reload …). */
  public static final int FAILED = -32000;

  private final int code;

  public RpcException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() { return code; }

  /** Bad params (-32602). */
  public static RpcException invalidParams(String message) { return new RpcException(INVALID_PARAMS, message); }

  /** A method's own failure (-32000). */
  public static RpcException failed(String message) { return new RpcException(FAILED, message); }
}
