package com.example;

/** The type of the loan application's customerRecord, an Object variable serialized as JSON. */
public class Customer {
  private String name;
  private boolean vip;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public boolean isVip() {
    return vip;
  }

  public void setVip(boolean vip) {
    this.vip = vip;
  }
}
