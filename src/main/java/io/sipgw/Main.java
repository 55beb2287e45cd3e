package io.sipgw;
public class Main { public static void main(String[] a) {} }
